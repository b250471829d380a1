defmodule LvTrace.Telemetry do
  @moduledoc """
  Writes an lvtrace trace (format v1, docs/trace-format.md) of a real Phoenix
  app: one JSON line per endpoint request, router dispatch, LiveView callback
  and Ecto query, each query with the lifecycle phase it ran in, so that
  `lvtrace replay` counts a real app's queries per phase as it does lvdemo's.

      LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: "tmp/lvtrace.jsonl", variant: "main")

  The handlers run in the app's processes and never wait: each encodes its
  event and sends it to one writer process, which owns the file. The phase is
  kept per process (the request's process for the dead render, the LiveView's
  for the connected one) in the process dictionary. What this module leaves to
  others: starting it (the app's `Application.start/2`) and reading the trace
  (lvtrace).

  Options of `attach/1`:

    * `:repo` (required): the repo's telemetry prefix, `[:my_app, :repo]`;
      its `[..., :query]` event is traced.
    * `:path`: the trace file, `"tmp/lvtrace.jsonl"` by default.
    * `:variant`: the `variant` member of every line (e.g. the branch), so
      that two runs can be replayed side by side; none by default.
    * `:append`: `true` to go on with the trace already in `:path` (another
      variant, another run) instead of starting it anew.
    * `:params`: `true` to write the queries' parameters; by default only
      their count is written (each one as `"<redacted>"`).
    * `:max_queue`: the writer's mailbox bound, 10000 by default; events past
      it are dropped, counted, and said in the trace by a `trace.gap` line.
  """

  require Logger

  @handler_id :lvtrace_telemetry
  @writer LvTrace.Telemetry.Writer
  @version "0.1.0"

  @live_view_callbacks [:mount, :handle_params, :handle_event, :render]
  @component_callbacks [:update, :handle_event]
  @span_ends [:start, :stop, :exception]

  @doc """
  Starts the writer and attaches the handlers. Returns `:ok`, or
  `{:error, reason}` after one Logger warning (the file cannot be opened or
  written, or the handlers are attached already); it never raises.
  """
  def attach(opts) do
    try do
      do_attach(opts)
    rescue
      e ->
        Logger.warning("lvtrace: not tracing: #{Exception.message(e)}")
        {:error, e}
    end
  end

  defp do_attach(opts) do
    repo = Keyword.fetch!(opts, :repo)

    writer_opts = %{
      path: Keyword.get(opts, :path, "tmp/lvtrace.jsonl"),
      variant: Keyword.get(opts, :variant),
      append: Keyword.get(opts, :append, false),
      handler_id: @handler_id
    }

    with {:ok, pid} <- GenServer.start(@writer, writer_opts, name: @writer),
         {:ok, counters, table} <- GenServer.call(pid, :refs) do
      config = %{
        writer: pid,
        counters: counters,
        ws_table: table,
        params: Keyword.get(opts, :params, false) == true,
        max_queue: Keyword.get(opts, :max_queue, 10_000),
        query_event: repo ++ [:query]
      }

      case :telemetry.attach_many(@handler_id, events(repo), &__MODULE__.handle_event/4, config) do
        :ok ->
          :ok

        {:error, reason} ->
          GenServer.stop(pid)
          Logger.warning("lvtrace: not tracing: handlers #{inspect(@handler_id)} are attached already")
          {:error, reason}
      end
    else
      {:error, {:already_started, _}} ->
        Logger.warning("lvtrace: not tracing: the writer is running already")
        {:error, :already_started}

      {:error, reason} ->
        # the writer said why (the file) in its own warning
        {:error, reason}
    end
  end

  @doc "The events `attach/1` listens to, for the repo prefix REPO."
  def events(repo) do
    [
      [:phoenix, :endpoint, :start],
      [:phoenix, :endpoint, :stop],
      [:phoenix, :router_dispatch, :start],
      [:phoenix, :router_dispatch, :stop],
      [:phoenix, :router_dispatch, :exception]
    ] ++
      for(cb <- @live_view_callbacks, e <- @span_ends, do: [:phoenix, :live_view, cb, e]) ++
      for(cb <- @component_callbacks, e <- @span_ends, do: [:phoenix, :live_component, cb, e]) ++
      [repo ++ [:query]]
  end

  @doc """
  Detaches the handlers, writes `trace.stop` and closes the file. Returns
  `:ok`, also when nothing was attached.
  """
  def detach do
    _ = :telemetry.detach(@handler_id)

    case Process.whereis(@writer) do
      nil ->
        :ok

      pid ->
        # the writer answers before it exits, and its name is free only once
        # it has: wait for that, so that an attach right after finds it free
        ref = Process.monitor(pid)
        result = safe_call(pid, :stop)

        receive do
          {:DOWN, ^ref, :process, _, _} -> :ok
        after
          5_000 -> Process.demonitor(ref, [:flush])
        end

        result
    end
  end

  @doc """
  Waits until the writer has written every event sent to it before this
  call (for tests, and before reading the trace of a running app).
  """
  def flush do
    case Process.whereis(@writer) do
      nil -> :ok
      pid -> safe_call(pid, :flush)
    end
  end

  defp safe_call(pid, msg) do
    try do
      GenServer.call(pid, msg, 5_000)
    catch
      :exit, _ -> :ok
    end
  end

  # ---------------------------------------------------------------- handlers

  @doc false
  # The one handler of every event. It never raises: what it cannot
  # understand (metadata of another version of Phoenix) is dropped, and
  # counted with the events the mailbox bound dropped, so that the trace's
  # next trace.gap says so (a query budget must not pass on an undercount).
  def handle_event(event, measurements, metadata, config) do
    try do
      handle(event, measurements, metadata, config)
    rescue
      _ -> lost(config)
    catch
      _, _ -> lost(config)
    end

    :ok
  end

  defp handle([:phoenix, :endpoint, :start], _m, meta, config) do
    # the last request of this process (a keep-alive connection) ended
    # without its router_dispatch.stop
    endpoint_stop_pending(config)
    conn = "http:#{:atomics.add_get(config.counters, 2, 1)}"
    Process.put(:lvtrace_conn, conn)
    Process.put(:lvtrace_stack, [{:endpoint, "plug:endpoint"}])
    c = Map.get(meta, :conn, %{})

    query =
      case Map.get(c, :query_string) do
        q when is_binary(q) and q != "" -> [query: q]
        _ -> []
      end

    emit(config, "endpoint.start", conn, [method: Map.get(c, :method), path: Map.get(c, :request_path)] ++ query)
  end

  # Plug.Telemetry's stop runs in the conn's before_send, when the response
  # is sent: inside the router's dispatch, before its router_dispatch.stop.
  # A dead render has closed the pipeline's span at its mount; a controller
  # or a pipeline that answered (halted) has not, and its plug.stop (with
  # the dispatch's duration and halted) is written first: endpoint.stop waits
  # for router_dispatch.stop.
  defp handle([:phoenix, :endpoint, :stop], m, meta, config) do
    conn = Process.get(:lvtrace_conn) || "http:?"
    c = Map.get(meta, :conn, %{})

    members = [
      method: Map.get(c, :method),
      path: Map.get(c, :request_path),
      status: Map.get(c, :status),
      duration_us: us(m[:duration])
    ]

    case Process.get(:lvtrace_stack, []) do
      [{:pipeline, _} | _] ->
        Process.put(:lvtrace_endpoint_stop, {conn, members})

      _ ->
        end_request()
        emit(config, "endpoint.stop", conn, members)
    end
  end

  defp handle([:phoenix, :router_dispatch, :start], _m, meta, config) do
    name =
      case Map.get(meta, :pipe_through) do
        [_ | _] = pipes -> Enum.map_join(pipes, ",", &to_string/1)
        _ -> "router"
      end

    phase = "plug:" <> name
    push({:pipeline, phase})
    emit(config, "plug.start", conn(), plug: name, phase: phase)
  end

  defp handle([:phoenix, :router_dispatch, e], m, meta, config) when e in [:stop, :exception] do
    halted = Map.get(Map.get(meta, :conn, %{}), :halted) == true
    end_pipeline(config, m[:duration], halted)
    drop_to(:endpoint)
    endpoint_stop_pending(config)
  end

  defp handle([:phoenix, :live_view, cb, :start], _m, meta, config) do
    socket = Map.get(meta, :socket, %{})
    if cb == :mount, do: end_pipeline(config, nil, false)

    case Map.get(meta, :component) do
      nil ->
        {connected, mode} = mode(socket)
        conn = live_conn(socket, connected, config)
        if cb == :mount and connected, do: Process.put(:lvtrace_joining, true)
        view = name(Map.get(socket, :view))
        phase = "#{cb}:#{mode}:#{view}"
        push({cb, phase})
        event = if cb == :handle_event, do: [name: Map.get(meta, :event)], else: []
        emit(config, "live_view.#{cb}.start", conn, lv_members(socket, view, connected) ++ [phase: phase] ++ event)

      component ->
        component_start(config, "render", component, socket)
    end
  end

  defp handle([:phoenix, :live_view, cb, e], m, meta, config) when e in [:stop, :exception] do
    socket = Map.get(meta, :socket, %{})

    case Map.get(meta, :component) do
      nil ->
        {connected, _} = mode(socket)
        view = name(Map.get(socket, :view))
        phase = pop_to(cb)
        conn = conn()
        error = if e == :exception, do: [error: Map.get(meta, :kind)], else: []
        redirect = if cb == :mount and Map.get(socket, :redirected) != nil, do: [redirect: true], else: []

        emit(config, "live_view.#{cb}.stop", conn,
          lv_members(socket, view, connected) ++ [phase: phase, duration_us: us(m[:duration])] ++ error ++ redirect
        )

        # LiveView's join emits no event of its own: it is answered after the
        # connected mount's first render, or by the mount's redirect
        cond do
          not connected -> :ok
          cb == :mount and redirect != [] -> joined(config, socket, view, "redirect")
          cb == :mount and e == :exception -> joined(config, socket, view, "error")
          cb == :render and Process.get(:lvtrace_joining) -> joined(config, socket, view, "ok")
          true -> :ok
        end

      component ->
        component_stop(config, "render", component, m, e)
    end
  end

  defp handle([:phoenix, :live_component, cb, :start], _m, meta, config) do
    component_start(config, Atom.to_string(cb), Map.get(meta, :component), Map.get(meta, :socket, %{}))
  end

  defp handle([:phoenix, :live_component, cb, e], m, meta, config) do
    component_stop(config, Atom.to_string(cb), Map.get(meta, :component), m, e)
  end

  defp handle(event, m, meta, %{query_event: event} = config) do
    query(config, m, meta)
  end

  defp handle(_event, _m, _meta, _config), do: :ok

  defp query(config, m, meta) do
    params =
      case Map.get(meta, :params) do
        ps when is_list(ps) and config.params -> Enum.map(ps, &safe_param/1)
        ps when is_list(ps) -> Enum.map(ps, fn _ -> "<redacted>" end)
        _ -> []
      end

    {rows, error} =
      case Map.get(meta, :result) do
        {:ok, %{num_rows: n}} when is_integer(n) -> {n, []}
        {:error, %{__struct__: s}} -> {0, [error: name(s)]}
        {:error, _} -> {0, [error: "error"]}
        _ -> {0, []}
      end

    timings =
      for {key, out} <- [query_time: :query_us, queue_time: :queue_us, decode_time: :decode_us],
          is_integer(m[key]),
          do: {out, us(m[key])}

    emit(
      config,
      "repo.query",
      conn(),
      [
        sql: to_string(Map.get(meta, :query, "")),
        source: Map.get(meta, :source),
        params: params,
        rows: rows,
        total_us: us(m[:total_time] || 0)
      ] ++ phase_member() ++ timings ++ caller(Map.get(meta, :stacktrace), Map.get(meta, :repo)) ++ error
    )
  end

  # A parameter as JSON can hold it: text that is printable UTF-8 as it is,
  # other binaries (a session token) as their size only, never their bytes;
  # a list (an array, `id = ANY($1)`) or a tuple (a composite) as an array of
  # its elements, a map (jsonb) as an object. One that cannot be written is
  # "<unprintable>", alone: the query and its other parameters are kept.
  defp safe_param(v) do
    try do
      param(v)
    rescue
      _ -> "<unprintable>"
    catch
      _, _ -> "<unprintable>"
    end
  end

  defp param(v) when is_binary(v) do
    if String.printable?(v), do: v, else: "<#{byte_size(v)} bytes>"
  end

  defp param(v) when is_integer(v) or is_float(v) or is_boolean(v) or is_nil(v), do: v
  defp param(v) when is_list(v), do: Enum.map(v, &safe_param/1)
  defp param(v) when is_tuple(v), do: Enum.map(Tuple.to_list(v), &safe_param/1)

  defp param(v) when is_map(v) and not is_struct(v) do
    Map.new(v, fn {k, x} -> {key(k), safe_param(x)} end)
  end

  # a struct: Date, NaiveDateTime, Decimal, ... by their String.Chars
  defp param(v) do
    case String.Chars.impl_for(v) do
      nil -> inspect(v)
      _ -> to_string(v)
    end
  end

  defp key(k) when is_binary(k), do: k
  defp key(k) when is_atom(k), do: Atom.to_string(k)
  defp key(k), do: inspect(k)

  defp lost(config) do
    :atomics.add(config.counters, 1, 1)
    :ok
  end

  # The first frame of the app's own code, when the repo keeps stacktraces
  # (`stacktrace: true` in its config): "lib/my_app/accounts.ex:42 MyApp.Accounts.get_user/1".
  # Ecto takes the stacktrace inside the repo (Ecto.Repo.Supervisor.tuplet/2
  # called by MyApp.Repo.one/2, lib/my_app/repo.ex), so the repo's own frames
  # are skipped as Ecto's are, as ecto_sql's logger does
  # (Ecto.Adapters.SQL.first_non_ecto_stacktrace/3 stops at the repo module).
  # Unlike it, this is the innermost frame of the app's code: a query in a
  # Repo.transaction's function is the function's, not the transaction's caller.
  defp caller([_ | _] = frames, repo) do
    frame =
      Enum.find(frames, fn
        {mod, _f, _a, _loc} when is_atom(mod) and mod != repo and mod != :erlang ->
          s = Atom.to_string(mod)
          not String.starts_with?(s, ["Elixir.Ecto.", "Elixir.DBConnection", "Elixir.Postgrex", "Elixir.MyXQL"])

        _ ->
          false
      end)

    case frame do
      {mod, f, a, loc} ->
        arity = if is_list(a), do: length(a), else: a
        [caller: "#{loc[:file]}:#{loc[:line]} #{name(mod)}.#{f}/#{arity}"]

      _ ->
        []
    end
  end

  defp caller(_, _), do: []

  defp component_start(config, cb, component, socket) do
    {_, mode} = mode(socket)
    inner = "#{cb}:#{mode}:#{name(component)}"

    phase =
      case Process.get(:lvtrace_stack, []) do
        [{_, outer} | _] -> outer <> "/" <> inner
        [] -> inner
      end

    push({{:component, cb}, phase})
    emit(config, "live_component.#{cb}.start", conn(), component: name(component), phase: phase)
  end

  defp component_stop(config, cb, component, m, e) do
    phase = pop_to({:component, cb})
    error = if e == :exception, do: [error: true], else: []

    emit(config, "live_component.#{cb}.stop", conn(),
      [component: name(component), phase: phase, duration_us: us(m[:duration])] ++ error
    )
  end

  defp end_pipeline(config, duration, halted) do
    case Process.get(:lvtrace_stack, []) do
      [{:pipeline, phase} | rest] ->
        Process.put(:lvtrace_stack, rest)
        "plug:" <> name = phase
        d = if duration, do: [duration_us: us(duration)], else: []
        h = if halted, do: [halted: true], else: []
        emit(config, "plug.stop", conn(), [plug: name, phase: phase] ++ d ++ h)

      _ ->
        :ok
    end
  end

  defp endpoint_stop_pending(config) do
    case Process.delete(:lvtrace_endpoint_stop) do
      {conn, members} ->
        end_request()
        emit(config, "endpoint.stop", conn, members)

      nil ->
        :ok
    end
  end

  defp end_request do
    Process.delete(:lvtrace_stack)
    Process.delete(:lvtrace_conn)
  end

  defp joined(config, socket, view, result) do
    Process.delete(:lvtrace_joining)
    topic = if is_binary(Map.get(socket, :id)), do: [topic: "lv:" <> socket.id], else: []
    emit(config, "channel.join", conn(), topic ++ [view: view, result: result])
  end

  defp lv_members(socket, view, connected) do
    [view: view, connected: connected, child: Map.get(socket, :parent_pid) != nil]
  end

  # connected? is LiveView's own test: a socket with a transport
  defp mode(socket) do
    if Map.get(socket, :transport_pid) != nil, do: {true, "connected"}, else: {false, "dead"}
  end

  # The dead render is its request's; a connected LiveView is its socket's:
  # "ws:N", one N per transport process, shared by the LiveViews it carries.
  defp live_conn(_socket, false, _config), do: conn()

  defp live_conn(socket, true, config) do
    transport = Map.get(socket, :transport_pid)

    conn =
      case :ets.lookup(config.ws_table, transport) do
        [{_, c}] ->
          c

        [] ->
          c = "ws:#{:atomics.add_get(config.counters, 2, 1)}"
          :ets.insert_new(config.ws_table, {transport, c})
          [{_, won}] = :ets.lookup(config.ws_table, transport)
          won
      end

    Process.put(:lvtrace_conn, conn)
    conn
  end

  defp conn, do: Process.get(:lvtrace_conn) || "app"

  # none outside every span: a query of a process of the app's own (a Task)
  defp phase_member do
    case Process.get(:lvtrace_stack, []) do
      [{_, p} | _] -> [phase: p]
      [] -> []
    end
  end

  defp push(entry), do: Process.put(:lvtrace_stack, [entry | Process.get(:lvtrace_stack, [])])

  # Pops up to and including the innermost span of KIND; returns its phase.
  # A stop without its start (attached mid-callback) leaves the stack alone.
  defp pop_to(kind) do
    stack = Process.get(:lvtrace_stack, [])

    case Enum.split_while(stack, fn {k, _} -> k != kind end) do
      {_, [{_, phase} | rest]} ->
        Process.put(:lvtrace_stack, rest)
        phase

      {_, []} ->
        nil
    end
  end

  defp drop_to(kind) do
    stack = Process.get(:lvtrace_stack, [])

    case Enum.drop_while(stack, fn {k, _} -> k != kind end) do
      [] -> :ok
      rest -> Process.put(:lvtrace_stack, rest)
    end
  end

  # "MyAppWeb.UserLive.Index" is written "UserLive.Index": the app's web
  # namespace is the same on every row
  defp name(mod) when is_atom(mod) and mod != nil do
    case String.split(inspect(mod), ".") do
      [web, _ | _] = parts -> if String.ends_with?(web, "Web"), do: Enum.join(tl(parts), "."), else: Enum.join(parts, ".")
      parts -> Enum.join(parts, ".")
    end
  end

  defp name(other), do: if(is_binary(other), do: other, else: inspect(other))

  defp us(native) when is_integer(native), do: System.convert_time_unit(native, :native, :microsecond)
  defp us(_), do: 0

  # Sends one event to the writer, or counts it as dropped when the
  # writer's mailbox is past its bound. Never waits.
  defp emit(config, event, conn, members) do
    case Process.info(config.writer, :message_queue_len) do
      {:message_queue_len, n} when n < config.max_queue ->
        body = LvTrace.Telemetry.JSON.members(members)
        send(config.writer, {:event, System.monotonic_time(:microsecond), event, conn, body})

      {:message_queue_len, _} ->
        lost(config)

      nil ->
        :ok
    end
  end

  @doc false
  def version, do: @version
end

defmodule LvTrace.Telemetry.JSON do
  @moduledoc false
  # A JSON encoder (RFC 8259) for the values the trace holds: strings,
  # integers, floats, booleans, null, lists, and objects given as keyword
  # lists or as maps. Elixir 1.14 has no JSON module, and a JSON library
  # would have to come from Hex, which an app may not reach: so the few lines here.
  # Strings are binaries: each byte sequence that is not UTF-8 becomes
  # U+FFFD; quote, backslash and control characters are escaped.

  def encode(nil), do: "null"
  def encode(true), do: "true"
  def encode(false), do: "false"
  def encode(n) when is_integer(n), do: Integer.to_string(n)
  # BEAM floats are finite: Float.to_string gives "1.0e-5" or "0.5", both JSON
  def encode(f) when is_float(f), do: Float.to_string(f)
  def encode(a) when is_atom(a), do: string(Atom.to_string(a))
  def encode(s) when is_binary(s), do: string(s)

  def encode([{k, _} | _] = kv) when is_atom(k) or is_binary(k), do: ["{", members_list(kv, ""), "}"]
  def encode(m) when is_map(m) and not is_struct(m), do: ["{", members_list(Enum.to_list(m), ""), "}"]

  def encode(list) when is_list(list) do
    ["[", Enum.intersperse(Enum.map(list, &encode/1), ","), "]"]
  end

  def encode(other), do: string(inspect(other))

  @doc "The members of KV as `,\"k\":v` each: what follows an object's first members."
  def members(kv), do: members_list(kv, ",")

  defp members_list(kv, first_sep) do
    kv
    |> Enum.with_index()
    |> Enum.map(fn {{k, v}, i} -> [if(i == 0, do: first_sep, else: ","), string(to_string(k)), ":", encode(v)] end)
  end

  def string(s), do: [?", escape(s, 0, 0, s, []), ?"]

  # Walks S from byte I; the bytes from START to I need no escape yet and
  # go out as one slice of the original binary.
  defp escape(s, i, start, orig, acc) do
    case s do
      <<_::binary-size(i)>> ->
        Enum.reverse([slice(orig, start, i) | acc])

      <<_::binary-size(i), c, _::binary>> when c >= 0x20 and c < 0x7F and c != ?" and c != ?\\ ->
        escape(s, i + 1, start, orig, acc)

      <<_::binary-size(i), c, _::binary>> when c < 0x80 ->
        escape(s, i + 1, i + 1, orig, [short(c), slice(orig, start, i) | acc])

      <<_::binary-size(i), c::utf8, _::binary>> ->
        escape(s, i + byte_size(<<c::utf8>>), start, orig, acc)

      _ ->
        # not UTF-8 here: one replacement character for the byte
        escape(s, i + 1, i + 1, orig, ["\uFFFD", slice(orig, start, i) | acc])
    end
  end

  defp slice(orig, start, i), do: binary_part(orig, start, i - start)

  defp short(?"), do: "\\\""
  defp short(?\\), do: "\\\\"
  defp short(?\n), do: "\\n"
  defp short(?\r), do: "\\r"
  defp short(?\t), do: "\\t"
  defp short(?\b), do: "\\b"
  defp short(?\f), do: "\\f"
  defp short(0x7F), do: <<0x7F>>

  defp short(c) do
    hex = Integer.to_string(c, 16)
    "\\u" <> String.duplicate("0", 4 - byte_size(hex)) <> hex
  end
end

defmodule LvTrace.Telemetry.Writer do
  @moduledoc false
  # The one process that writes the trace file: it numbers the lines (seq),
  # gives them their time since the trace started (t_us), says how many
  # events were dropped (trace.gap) before the next line, and at the first
  # write error cuts the file back to its last whole line, detaches the
  # handlers and says so once.
  use GenServer
  require Logger

  alias LvTrace.Telemetry.JSON

  @impl true
  def init(opts) do
    counters = :atomics.new(2, signed: false)
    table = :ets.new(:lvtrace_ws, [:public, :set, read_concurrency: true])

    state = %{
      path: opts.path,
      variant: opts.variant,
      handler_id: opts.handler_id,
      counters: counters,
      table: table,
      fd: nil,
      seq: 0,
      start_us: System.monotonic_time(:microsecond),
      clock_us: :os.perf_counter(:microsecond),
      last_t: 0,
      pos: 0,
      statements: 0
    }

    case open(state, opts.append) do
      {:ok, state} -> {:ok, state}
      {:error, why} -> warn_and_stop(state, why)
    end
  end

  defp warn_and_stop(state, why) do
    Logger.warning("lvtrace: cannot write '#{state.path}': #{why}; not tracing")
    {:stop, {:cannot_write, why}}
  end

  # A new trace starts with trace.start; an appended one goes on after the
  # last whole line of the one there, with the next seq and a later t_us. Its
  # conns are numbered from that seq on, so none is one of the earlier run's
  # (that run had fewer conns than lines).
  defp open(state, append) do
    existing =
      case mkdir_parent(state.path) do
        :ok -> if append, do: last_line(state.path), else: :none
        error -> error
      end

    case existing do
      {:error, why} ->
        {:error, why}

      {:ok, seq, t_us, size} ->
        with {:ok, fd} <- :file.open(state.path, [:read, :write, :raw, :binary]),
             {:ok, _} <- :file.position(fd, size),
             :ok <- :file.truncate(fd) do
          :atomics.put(state.counters, 2, seq)
          now = System.monotonic_time(:microsecond)
          {:ok, %{state | fd: fd, seq: seq, pos: size, last_t: t_us, start_us: now - t_us - 1}}
        else
          {:error, reason} -> {:error, :file.format_error(reason)}
        end

      :none ->
        case :file.open(state.path, [:write, :raw, :binary]) do
          {:ok, fd} ->
            header = [
              format: "lvtrace",
              version: 1,
              app: "lvtrace_telemetry #{LvTrace.Telemetry.version()}",
              # the machine's monotonic clock, as lvdemo's (os:perf_counter is
              # CLOCK_MONOTONIC on Linux; the VM's own monotonic time is not)
              clock_us: state.clock_us,
              pid: String.to_integer(System.pid())
            ]

            {iodata, state} = line(%{state | fd: fd}, 0, "trace.start", "app", JSON.members(header), false)
            write(state, iodata)

          {:error, reason} ->
            {:error, :file.format_error(reason)}
        end
    end
  end

  # A fresh `mix phx.new` app has no tmp/: the trace's directory is made
  # as `mkdir -p` would.
  defp mkdir_parent(path) do
    dir = Path.dirname(path)

    case File.mkdir_p(dir) do
      :ok -> :ok
      {:error, reason} -> {:error, "cannot create directory '#{dir}': #{:file.format_error(reason)}"}
    end
  end

  # The seq and t_us of PATH's last whole line, and the size up to it. A
  # file that is missing or empty is started anew; one that is not a trace
  # of this format is left alone.
  defp last_line(path) do
    case File.read(path) do
      {:error, :enoent} ->
        :none

      {:ok, ""} ->
        :none

      {:ok, data} ->
        whole = case :binary.matches(data, "\n") do
          [] -> 0
          ms -> (fn {p, _} -> p + 1 end).(List.last(ms))
        end

        first = hd(String.split(data, "\n", parts: 2))
        lines = String.split(binary_part(data, 0, whole), "\n", trim: true)

        with true <- String.contains?(first, ~s("event":"trace.start")) and
                       String.contains?(first, ~s("format":"lvtrace")) and
                       String.contains?(first, ~s("version":1)),
             [_ | _] <- lines,
             [_, seq, t] <- Regex.run(~r/^\{"seq":(\d+),"t_us":(\d+),/, List.last(lines)) do
          {:ok, String.to_integer(seq), String.to_integer(t), whole}
        else
          _ -> {:error, "not an lvtrace trace (format 1) to append to"}
        end

      {:error, reason} ->
        {:error, :file.format_error(reason)}
    end
  end

  @impl true
  def handle_call(:refs, _from, state), do: {:reply, {:ok, state.counters, state.table}, state}
  def handle_call(:flush, _from, state), do: {:reply, :ok, drain(state)}

  def handle_call(:stop, _from, state) do
    state = drain(state)

    state =
      if state.fd do
        t = System.monotonic_time(:microsecond)
        # events lost since the last line are said before the trace ends
        {gap, state} = gap(state, t, "app")
        {stop, state} = line(state, t, "trace.stop", "app", JSON.members(statements: state.statements), true)
        iodata = [gap, stop]

        case write(state, iodata) do
          {:ok, state} -> state
          {:error, why} -> failed(state, why)
        end
      else
        state
      end

    if state.fd, do: :file.close(state.fd)
    {:stop, :normal, :ok, %{state | fd: nil}}
  end

  @impl true
  def handle_info({:event, _, _, _, _} = ev, state), do: {:noreply, write_events(state, [ev])}
  def handle_info(_other, state), do: {:noreply, state}

  # What is in the mailbox, written in batches of at most 500 lines a write.
  defp drain(state) do
    receive do
      {:event, _, _, _, _} = ev -> drain(write_events(state, [ev]))
    after
      0 -> state
    end
  end

  defp write_events(%{fd: nil} = state, _evs), do: state

  defp write_events(state, evs) do
    evs = more(evs, 499)

    {iodata, state} =
      Enum.reduce(evs, {[], state}, fn {:event, t, event, conn, body}, {acc, st} ->
        {gap, st} = gap(st, t, conn)
        {l, st} = line(st, t, event, conn, body, true)
        st = if event == "repo.query", do: %{st | statements: st.statements + 1}, else: st
        {[acc, gap, l], st}
      end)

    case write(state, iodata) do
      {:ok, state} -> state
      {:error, why} -> failed(state, why)
    end
  end

  defp more(evs, 0), do: Enum.reverse(evs)

  defp more(evs, n) do
    receive do
      {:event, _, _, _, _} = ev -> more([ev | evs], n - 1)
    after
      0 -> Enum.reverse(evs)
    end
  end

  # the events the handlers dropped since the last line: said once, before the next
  defp gap(state, t, _conn) do
    case :atomics.exchange(state.counters, 1, 0) do
      0 -> {[], state}
      lost -> line(state, t, "trace.gap", "app", JSON.members(lost: lost), true)
    end
  end

  # One line: the members every line has, in their order, then the event's own.
  defp line(state, t_abs, event, conn, body, with_variant) do
    t = if event == "trace.start", do: 0, else: max(t_abs - state.start_us, state.last_t)
    seq = state.seq + 1
    variant = if with_variant and state.variant, do: [",\"variant\":", JSON.string(to_string(state.variant))], else: []

    l = [
      "{\"seq\":", Integer.to_string(seq), ",\"t_us\":", Integer.to_string(t),
      ",\"event\":", JSON.string(event), ",\"conn\":", JSON.string(conn), variant, body, "}\n"
    ]

    {l, %{state | seq: seq, last_t: t}}
  end

  defp write(state, iodata) do
    case :file.write(state.fd, iodata) do
      :ok -> {:ok, %{state | pos: state.pos + IO.iodata_length(iodata)}}
      {:error, reason} -> {:error, :file.format_error(reason)}
    end
  catch
    kind, reason -> {:error, "#{kind} #{inspect(reason)}"}
  end

  # The first write error: the part of a line written is cut back off, the
  # handlers are detached, and it is said once.
  defp failed(state, why) do
    _ = :file.position(state.fd, state.pos)
    _ = :file.truncate(state.fd)
    _ = :file.close(state.fd)
    _ = :telemetry.detach(state.handler_id)
    Logger.warning("lvtrace: cannot write '#{state.path}': #{why}; stopped tracing (handlers detached)")
    %{state | fd: nil}
  end
end
