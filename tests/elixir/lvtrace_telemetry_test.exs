# The Elixir handler (tracer/elixir/lib/lvtrace_telemetry.ex) under ExUnit:
#   elixir -r telemetry_stub.exs -r LIB lvtrace_telemetry_test.exs
# The events reach LvTrace.Telemetry.handle_event/4 through the stand-in
# :telemetry of telemetry_stub.exs, which calls the function attach_many/4
# was given, as the real library does. Traces are read back with jq.
# tests/integration/t0850-elixir.sh runs this, then replays page loads.
ExUnit.start(seed: 0)

defmodule LvTraceTelemetryTest do
  use ExUnit.Case
  import ExUnit.CaptureLog

  alias LvTrace.Telemetry.JSON

  @dir System.get_env("TRASH") || System.tmp_dir!()
  @query [:my_app, :repo, :query]

  setup do
    on_exit(fn -> LvTrace.Telemetry.detach() end)
    path = Path.join(@dir, "t#{System.unique_integer([:positive])}.jsonl")
    {:ok, path: path}
  end

  defp jq(path, filter) do
    {out, 0} = System.cmd("jq", ["-c", filter, path])
    String.split(out, "\n", trim: true)
  end

  defp json(v), do: IO.iodata_to_binary(JSON.encode(v))

  # jq's reading of one encoded string: what a JSON parser makes of it
  defp through_jq(s) do
    file = Path.join(@dir, "s#{System.unique_integer([:positive])}.json")
    File.write!(file, json(s))
    {out, 0} = System.cmd("jq", ["-j", ".", file])
    out
  end

  # ------------------------------------------------------------ JSON

  test "strings: quote, backslash and every control character are escaped" do
    assert json("a\"b\\c") == ~S("a\"b\\c")
    assert json("\n\r\t\b\f") == ~S("\n\r\t\b\f")
    assert json(<<0, 1, 0x1F>>) == ~S("\u0000\u0001\u001F")
    assert json("x\u007Fy") == "\"x\u007Fy\""
    for c <- 0..0x1F, do: assert(through_jq(<<?a, c, ?b>>) == <<?a, c, ?b>>)
  end

  test "strings: UTF-8 is kept, every byte that is not UTF-8 becomes U+FFFD" do
    assert json("é€😀") == "\"é€😀\""
    # a lone continuation, a byte never in UTF-8, an overlong '/', a
    # surrogate, a sequence cut short: one U+FFFD per byte
    assert json(<<?a, 0x80, ?b>>) == "\"a\uFFFDb\""
    assert json(<<0xFF>>) == "\"\uFFFD\""
    assert json(<<0xC0, 0xAF>>) == "\"\uFFFD\uFFFD\""
    assert json(<<0xED, 0xA0, 0x80>>) == "\"\uFFFD\uFFFD\uFFFD\""
    assert json(<<?x, 0xE2, 0x82>>) == "\"x\uFFFD\uFFFD\""
    assert String.valid?(json(:crypto.strong_rand_bytes(2000)))
    assert through_jq(<<"ok ", 0xFE, " é">>) == "ok \uFFFD é"
  end

  test "numbers, booleans, null, lists and objects" do
    assert json(0) == "0"
    assert json(-42) == "-42"
    assert json(12_345_678_901_234_567_890) == "12345678901234567890"
    assert json(true) == "true" and json(false) == "false" and json(nil) == "null"
    assert json(0.5) == "0.5"
    assert json([1, "a", nil]) == ~S([1,"a",null])
    assert json([]) == "[]"
    assert json(a: 1, b: "x") == ~S({"a":1,"b":"x"})
  end

  # ------------------------------------------------------------ the trace

  test "a trace starts with trace.start and ends with trace.stop, seq without gaps", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path, variant: "main")
    PageLoad.run(true)
    :ok = LvTrace.Telemetry.detach()
    assert jq(path, "[.seq, .event]") |> hd() == ~S([1,"trace.start"])
    assert jq(path, "select(.event == \"trace.start\") | [.format, .version]") == [~S(["lvtrace",1])]
    assert List.last(jq(path, ".event")) == ~S("trace.stop")
    assert jq(path, "select(.event == \"trace.stop\") | .statements") == ["3"]
    assert jq(path, ".seq") == Enum.map(1..length(jq(path, ".seq")), &Integer.to_string/1)
    assert Enum.uniq(jq(path, "select(.event != \"trace.start\") | .variant")) == [~S("main")]
  end

  test "phases: the pipeline, the dead mount, the connected mount", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path)
    PageLoad.run(true)
    LvTrace.Telemetry.flush()

    assert jq(path, "select(.event == \"repo.query\") | [.conn, .phase]") == [
             ~S(["http:1","plug:browser,require_authenticated_user"]),
             ~S(["http:1","mount:dead:MissionLive"]),
             ~S(["ws:2","mount:connected:MissionLive"])
           ]

    assert jq(path, "select(.event == \"live_view.mount.start\") | [.view, .connected, .child]") ==
             [~S(["MissionLive",false,false]), ~S(["MissionLive",true,false])]
  end

  defp events(path), do: jq(path, "select(.event != \"trace.start\") | [.event, .conn, .phase, .halted, .status]")

  test "endpoint.stop before router_dispatch.stop (Plug.Telemetry's before_send), or after: the same trace", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path)
    PageLoad.run(true, :sent)
    :ok = LvTrace.Telemetry.detach()
    other = path <> ".other"
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: other)
    PageLoad.run(true, :dispatch_first)
    :ok = LvTrace.Telemetry.detach()

    assert events(path) == events(other)

    assert jq(path, "select(.conn == \"http:1\") | .event") |> Enum.take(-3) ==
             [~S("live_view.render.start"), ~S("live_view.render.stop"), ~S("endpoint.stop")]
  end

  test "a pipeline that answers and halts: plug.stop (halted) before endpoint.stop, in either order", %{path: path} do
    expected = [
      ~S(["endpoint.start","http:1",null,null,null]),
      ~S(["plug.start","http:1","plug:browser,require_authenticated_user",null,null]),
      ~S(["repo.query","http:1","plug:browser,require_authenticated_user",null,null]),
      ~S(["plug.stop","http:1","plug:browser,require_authenticated_user",true,null]),
      ~S(["endpoint.stop","http:1",null,null,302]),
      ~S(["endpoint.start","http:2",null,null,null])
    ]

    for order <- [:sent, :dispatch_first] do
      file = "#{path}.#{order}"
      :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: file)
      PageLoad.halted(order)
      # the next request of the same process (a keep-alive connection)
      :telemetry.execute([:phoenix, :endpoint, :start], %{system_time: 0}, %{conn: %Plug.Conn{}, options: []})
      LvTrace.Telemetry.flush()
      assert events(file) == expected, "#{order}"
      assert jq(file, "select(.event == \"plug.stop\") | .duration_us") == ["1"], "#{order}"
      :ok = LvTrace.Telemetry.detach()
    end
  end

  test "an endpoint.stop whose dispatch never stopped is written at the process's next request", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path)
    conn = %Plug.Conn{status: 200}
    :telemetry.execute([:phoenix, :endpoint, :start], %{system_time: 0}, %{conn: conn, options: []})
    :telemetry.execute([:phoenix, :router_dispatch, :start], %{system_time: 0}, %{conn: conn, pipe_through: [:api]})
    :telemetry.execute([:phoenix, :endpoint, :stop], %{duration: 0}, %{conn: conn, options: []})
    :telemetry.execute([:phoenix, :endpoint, :start], %{system_time: 0}, %{conn: conn, options: []})
    :ok = LvTrace.Telemetry.detach()

    assert jq(path, "select(.event | startswith(\"endpoint\")) | [.event, .conn]") ==
             [~S(["endpoint.start","http:1"]), ~S(["endpoint.stop","http:1"]), ~S(["endpoint.start","http:2"])]
  end

  test "a query has Ecto's sql, source, rows and total_us", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path)
    PageLoad.query()
    LvTrace.Telemetry.flush()
    [line] = jq(path, "select(.event == \"repo.query\") | [(.sql | startswith(\"SELECT u0.\")), .source, .rows, .total_us]")
    assert line == ~S([true,"users_tokens",1,250])
    # outside every span: no phase
    assert jq(path, "select(.event == \"repo.query\") | has(\"phase\")") == ["false"]
  end

  test "params are redacted by default: their count only", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path)
    PageLoad.query()
    LvTrace.Telemetry.flush()
    assert jq(path, "select(.event == \"repo.query\") | .params") == [~S(["<redacted>","<redacted>","<redacted>"])]
    refute File.read!(path) =~ "session"
  end

  test "params: true writes them, a binary that is not text as its size", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path, params: true)
    PageLoad.query()
    LvTrace.Telemetry.flush()
    assert jq(path, "select(.event == \"repo.query\") | .params") == [~S(["<32 bytes>","session","2026-01-01 00:00:00"])]
  end

  # :erlang.process_info(self(), :current_stacktrace) as Ecto.Repo.Supervisor.tuplet/2
  # takes it, called by the repo's one/2 (use Ecto.Repo), called by the app
  defp repo_stacktrace(app_frames) do
    [
      {Ecto.Repo.Supervisor, :tuplet, 2, [file: 'lib/ecto/repo/supervisor.ex', line: 185]},
      {MyApp.Repo, :one, 2, [file: 'lib/my_app/repo.ex', line: 2]}
    ] ++ app_frames
  end

  test "caller: the first frame of the app's code, past Ecto's and the repo's", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path)
    accounts = {MyApp.Accounts, :get_user_by_session_token, 1, [file: 'lib/my_app/accounts.ex', line: 42]}
    auth = {MyAppWeb.UserAuth, :fetch_current_user, 2, [file: 'lib/my_app_web/user_auth.ex', line: 90]}
    PageLoad.query([:my_app, :repo], %{stacktrace: repo_stacktrace([accounts, auth])})
    # in a transaction's function: that function, the innermost of the app's
    transaction =
      repo_stacktrace([{MyApp.Orders, :reserve, 1, [file: 'lib/my_app/orders.ex', line: 7]}]) ++
        [
          {DBConnection, :transaction, 3, [file: 'lib/db_connection.ex', line: 1000]},
          {Ecto.Repo.Transaction, :transaction, 4, [file: 'lib/ecto/repo/transaction.ex', line: 18]},
          {MyApp.Repo, :transaction, 2, [file: 'lib/my_app/repo.ex', line: 2]},
          {MyApp.Orders, :place, 1, [file: 'lib/my_app/orders.ex', line: 3]}
        ]

    PageLoad.query([:my_app, :repo], %{stacktrace: transaction})
    # only Ecto's and the repo's frames: no caller
    PageLoad.query([:my_app, :repo], %{stacktrace: repo_stacktrace([])})
    LvTrace.Telemetry.flush()

    assert jq(path, "select(.event == \"repo.query\") | .caller") == [
             ~S("lib/my_app/accounts.ex:42 MyApp.Accounts.get_user_by_session_token/1"),
             ~S("lib/my_app/orders.ex:7 MyApp.Orders.reserve/1"),
             "null"
           ]
  end

  test "a component inside a render is named inside it; handle_event has its name", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path)
    socket = %Phoenix.LiveView.Socket{view: MyAppWeb.MissionLive, transport_pid: self()}
    :telemetry.execute([:phoenix, :live_view, :render, :start], %{system_time: 0}, %{socket: socket, force?: false, changed?: true})
    :telemetry.execute([:phoenix, :live_component, :update, :start], %{system_time: 0},
      %{socket: socket, component: MyAppWeb.FormComponent, assigns_sockets: []})
    PageLoad.query()
    :telemetry.execute([:phoenix, :live_component, :update, :stop], %{duration: 0},
      %{socket: socket, component: MyAppWeb.FormComponent, assigns_sockets: [], sockets: []})
    :telemetry.execute([:phoenix, :live_view, :render, :stop], %{duration: 0}, %{socket: socket, force?: false, changed?: true})
    :telemetry.execute([:phoenix, :live_view, :handle_event, :start], %{system_time: 0}, %{socket: socket, event: "save", params: %{}})
    PageLoad.query()
    :telemetry.execute([:phoenix, :live_view, :handle_event, :stop], %{duration: 0}, %{socket: socket, event: "save", params: %{}})
    LvTrace.Telemetry.flush()

    assert jq(path, "select(.event == \"repo.query\") | .phase") == [
             ~S("render:connected:MissionLive/update:connected:FormComponent"),
             ~S("handle_event:connected:MissionLive")
           ]

    assert jq(path, "select(.event == \"live_view.handle_event.start\") | .name") == [~S("save")]
  end

  test "metadata the handler cannot read is dropped, never raised, and counted by trace.gap", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path)
    assert :telemetry.execute([:phoenix, :live_view, :mount, :start], %{}, %{socket: :not_a_socket}) == :ok
    assert :telemetry.execute([:phoenix, :endpoint, :start], :nonsense, :nonsense) == :ok
    assert :telemetry.execute(@query, %{total_time: "x"}, %{query: {:not, :text}}) == :ok
    assert LvTrace.Telemetry.flush() == :ok
    assert :lvtrace_telemetry in :telemetry.attached()
    PageLoad.query()
    # one lost after the last line: said before trace.stop
    assert :telemetry.execute(@query, %{}, %{query: {:not, :text}}) == :ok
    :ok = LvTrace.Telemetry.detach()

    assert jq(path, "select(.event != \"trace.start\") | [.event, .lost]") == [
             ~S(["trace.gap",3]),
             ~S(["repo.query",null]),
             ~S(["trace.gap",1]),
             ~S(["trace.stop",null])
           ]
  end

  test "params: true: lists, tuples and maps element by element", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path, params: true)
    # [1, 2, 3] is not the text "\u0001\u0002\u0003", and [5_000_000] is not text at all
    ps = [[1, 2, 3], [5_000_000], ["a", PageLoad.token()], {1, "x"}, %{"k" => [1], v: nil}, %{}, [], ~D[2026-01-01]]
    PageLoad.query([:my_app, :repo], %{params: ps})
    :ok = LvTrace.Telemetry.detach()

    assert jq(path, "select(.event == \"repo.query\") | .params") ==
             [~S([[1,2,3],[5000000],["a","<32 bytes>"],[1,"x"],{"k":[1],"v":null},{},[],"2026-01-01"])]

    refute jq(path, ".event") |> Enum.member?(~S("trace.gap"))
  end

  defmodule Unprintable do
    defstruct []

    defimpl String.Chars do
      def to_string(_), do: raise("no text for this")
    end
  end

  test "params: true: a parameter that cannot be written is a placeholder, the query is kept", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path, params: true)
    PageLoad.query([:my_app, :repo], %{params: [%Unprintable{}, "session", [%Unprintable{}, 2]]})
    :ok = LvTrace.Telemetry.detach()

    assert jq(path, "select(.event == \"repo.query\") | .params") ==
             [~S(["<unprintable>","session",["<unprintable>",2]])]

    refute jq(path, ".event") |> Enum.member?(~S("trace.gap"))
  end

  # ------------------------------------------------------------ faults

  test "a missing directory is made, as tmp/ of a fresh phx.new app", %{path: path} do
    dir = Path.join(Path.rootname(path), "tmp/deeper")
    file = Path.join(dir, "lvtrace.jsonl")
    refute File.exists?(dir)
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: file)
    PageLoad.query()
    :ok = LvTrace.Telemetry.detach()
    assert jq(file, ".event") == [~S("trace.start"), ~S("repo.query"), ~S("trace.stop")]
  end

  test "a directory that cannot be made: one warning, {:error, _}, nothing attached", %{path: path} do
    # under a regular file, which no mkdir -p can go through (root or not)
    File.write!(path, "")
    bad = Path.join(path, "tmp/t.jsonl")

    log =
      capture_log(fn ->
        assert {:error, {:cannot_write, _}} = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: bad)
      end)

    assert length(String.split(log, "lvtrace: ")) == 2, log
    assert log =~ "cannot write '#{bad}': cannot create directory '#{Path.dirname(bad)}': not a directory"
    refute :lvtrace_telemetry in :telemetry.attached()
  end

  test "a file that cannot be opened: one warning, {:error, _}, nothing attached", %{path: path} do
    # the directory is there, the file is a directory
    File.mkdir_p!(path)

    log =
      capture_log(fn ->
        assert {:error, _} = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path)
      end)

    assert length(String.split(log, "lvtrace: ")) == 2, log
    assert log =~ "cannot write '#{path}': illegal operation on a directory"
    refute :lvtrace_telemetry in :telemetry.attached()
  end

  test "a write error mid-trace detaches the handlers with one warning, and the app goes on", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path)
    writer = Process.whereis(LvTrace.Telemetry.Writer)
    # from now on the writer's file is a full disk
    :sys.replace_state(writer, fn s ->
      {:ok, full} = :file.open("/dev/full", [:write, :raw, :binary])
      %{s | fd: full}
    end)

    log =
      capture_log(fn ->
        PageLoad.query()
        LvTrace.Telemetry.flush()
        PageLoad.query()
        PageLoad.run(true)
        LvTrace.Telemetry.flush()
      end)

    assert length(String.split(log, "lvtrace: ")) == 2, log
    assert log =~ "no space left on device; stopped tracing (handlers detached)"
    refute :lvtrace_telemetry in :telemetry.attached()
    assert Process.alive?(writer)
  end

  test "past the mailbox bound events are dropped, counted, and said by trace.gap", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path, max_queue: 5)
    writer = Process.whereis(LvTrace.Telemetry.Writer)
    :ok = :sys.suspend(writer)
    for _ <- 1..8, do: PageLoad.query()
    assert Process.info(writer, :message_queue_len) == {:message_queue_len, 5}
    :ok = :sys.resume(writer)
    PageLoad.query()
    :ok = LvTrace.Telemetry.detach()
    assert jq(path, "select(.event == \"trace.gap\") | .lost") == ["3"]
    assert length(jq(path, "select(.event == \"repo.query\")")) == 6
    assert jq(path, "select(.event == \"trace.stop\") | .statements") == ["6"]
  end

  test "append: goes on after the last line; a file that is not a trace is left alone", %{path: path} do
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path, variant: "a")
    PageLoad.query()
    :ok = LvTrace.Telemetry.detach()
    :ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: path, variant: "b", append: true)
    PageLoad.query()
    :ok = LvTrace.Telemetry.detach()
    assert jq(path, "[.seq, .event, .variant]") == [
             ~S([1,"trace.start",null]),
             ~S([2,"repo.query","a"]),
             ~S([3,"trace.stop","a"]),
             ~S([4,"repo.query","b"]),
             ~S([5,"trace.stop","b"])
           ]

    ts = Enum.map(jq(path, ".t_us"), &String.to_integer/1)
    assert ts == Enum.sort(ts)

    other = path <> ".txt"
    File.write!(other, "not a trace\n")

    log =
      capture_log(fn ->
        assert {:error, _} = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: other, append: true)
      end)

    assert log =~ "not an lvtrace trace"
    assert File.read!(other) == "not a trace\n"
  end
end
