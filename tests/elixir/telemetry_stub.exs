# Stand-ins for what a Phoenix app has and Debian does not package, so that
# the handler runs under Debian's elixir with no Hex:
#
# - :telemetry, with the three functions of its API that the handler and
#   the tests use. attach_many/4 keeps the handler function it is given and
#   execute/3 calls it with (event, measurements, metadata, config), as the
#   real library does; so the tests reach LvTrace.Telemetry.handle_event/4
#   through the same entry point an app's events do.
# - the structs the metadata carries (Plug.Conn, Phoenix.LiveView.Socket),
#   with the fields of theirs the handler reads, named as they are there.

defmodule :telemetry do
  def attach_many(id, events, fun, config) when is_function(fun, 4) do
    handlers = :persistent_term.get(:telemetry_stub, [])

    if List.keymember?(handlers, id, 0) do
      {:error, :already_exists}
    else
      :persistent_term.put(:telemetry_stub, [{id, events, fun, config} | handlers])
      :ok
    end
  end

  def detach(id) do
    handlers = :persistent_term.get(:telemetry_stub, [])

    if List.keymember?(handlers, id, 0) do
      :persistent_term.put(:telemetry_stub, List.keydelete(handlers, id, 0))
      :ok
    else
      {:error, :not_found}
    end
  end

  def execute(event, measurements, metadata) do
    for {_id, events, fun, config} <- :persistent_term.get(:telemetry_stub, []), event in events do
      fun.(event, measurements, metadata, config)
    end

    :ok
  end

  # for the tests: the ids attached now
  def attached, do: Enum.map(:persistent_term.get(:telemetry_stub, []), &elem(&1, 0))
end

defmodule Plug.Conn do
  defstruct method: "GET", request_path: "/", query_string: "", status: nil, halted: false, assigns: %{}
end

defmodule Phoenix.LiveView.Socket do
  defstruct id: nil, endpoint: nil, view: nil, parent_pid: nil, root_pid: nil, router: nil,
            assigns: %{__changed__: %{}}, private: %{live_temp: %{}}, redirected: nil,
            host_uri: nil, transport_pid: nil, sticky?: false
end

# One page load of a LiveView route, with the measurements and metadata
# Phoenix, LiveView and Ecto document for each event: the GET (the browser
# pipeline with fetch_current_user's query, the dead mount, handle_params,
# render; endpoint.stop before router_dispatch.stop, as Phoenix sends them),
# then the connected mount in a LiveView process of its own.
# DEAD_QUERY: false for assign_new, whose dead mount takes current_user from
# conn.assigns instead of querying.
defmodule PageLoad do
  @token_sql "SELECT u0.\"id\", u0.\"email\" FROM \"users_tokens\" AS u1 INNER JOIN \"users\" AS u0 ON u0.\"id\" = u1.\"user_id\" WHERE ((u1.\"token\" = $1) AND (u1.\"context\" = $2)) AND (u1.\"inserted_at\" > $3::timestamp + (-(60)::numeric * interval '1 day'))"

  def token, do: <<0xFE, 0x01, 0x80>> <> :binary.copy(<<0xAB>>, 29)

  # OVERRIDES: metadata of this query's own (params, stacktrace, ...)
  def query(repo \\ [:my_app, :repo], overrides \\ %{}) do
    native = System.convert_time_unit(250, :microsecond, :native)

    :telemetry.execute(
      repo ++ [:query],
      %{query_time: native, decode_time: 0, queue_time: 0, idle_time: native, total_time: native},
      %{
        type: :ecto_sql_query,
        repo: MyApp.Repo,
        result: {:ok, %{num_rows: 1, rows: [[1, "agent@example.com"]], columns: ["id", "email"]}},
        params: [token(), "session", ~N[2026-01-01 00:00:00]],
        cast_params: nil,
        query: @token_sql,
        source: "users_tokens",
        stacktrace: nil,
        options: []
      }
      |> Map.merge(overrides)
    )
  end

  # ORDER :sent, Phoenix's: Plug.Telemetry's endpoint.stop runs in the
  # conn's before_send, when the response is sent inside the router's
  # dispatch, so before router_dispatch.stop; :dispatch_first, the other
  # (an endpoint whose Plug.Telemetry is not the one that sends).
  def request_stop(order, dispatch, done, duration) do
    endpoint_stop = fn -> :telemetry.execute([:phoenix, :endpoint, :stop], %{duration: 2 * duration}, %{conn: done, options: []}) end
    dispatch_stop = fn -> :telemetry.execute([:phoenix, :router_dispatch, :stop], %{duration: duration}, %{dispatch | conn: done}) end

    if order == :sent do
      endpoint_stop.()
      dispatch_stop.()
    else
      dispatch_stop.()
      endpoint_stop.()
    end
  end

  # A route of DISPATCH (pipelines, plug) whose pipeline answers with STATUS
  # and halts (require_authenticated_user's redirect), one query in it.
  def halted(order, status \\ 302) do
    conn = %Plug.Conn{method: "GET", request_path: "/users/settings"}
    :telemetry.execute([:phoenix, :endpoint, :start], %{system_time: System.system_time()}, %{conn: conn, options: []})
    dispatch = %{conn: conn, route: "/users/settings", plug: Phoenix.LiveView.Plug, plug_opts: :edit,
                 path_params: %{}, pipe_through: [:browser, :require_authenticated_user], log: :debug}
    :telemetry.execute([:phoenix, :router_dispatch, :start], %{system_time: System.system_time()}, dispatch)
    query()
    # halt() comes after redirect(): the conn sent is not halted yet
    sent = %{conn | status: status}

    case order do
      :sent ->
        :telemetry.execute([:phoenix, :endpoint, :stop], %{duration: 2000}, %{conn: sent, options: []})
        :telemetry.execute([:phoenix, :router_dispatch, :stop], %{duration: 1000}, %{dispatch | conn: %{sent | halted: true}})

      :dispatch_first ->
        :telemetry.execute([:phoenix, :router_dispatch, :stop], %{duration: 1000}, %{dispatch | conn: %{sent | halted: true}})
        :telemetry.execute([:phoenix, :endpoint, :stop], %{duration: 2000}, %{conn: sent, options: []})
    end
  end

  def run(dead_query, order \\ :sent) do
    conn = %Plug.Conn{method: "GET", request_path: "/mission"}
    span = fn event, meta, body ->
      :telemetry.execute(event ++ [:start], %{system_time: System.system_time(), monotonic_time: System.monotonic_time()}, meta)
      body.()
      :telemetry.execute(event ++ [:stop], %{duration: System.convert_time_unit(40, :microsecond, :native)}, meta)
    end

    :telemetry.execute([:phoenix, :endpoint, :start], %{system_time: System.system_time()}, %{conn: conn, options: []})
    dispatch = %{conn: conn, route: "/mission", plug: Phoenix.LiveView.Plug, plug_opts: :index,
                 path_params: %{}, pipe_through: [:browser, :require_authenticated_user], log: :debug}
    :telemetry.execute([:phoenix, :router_dispatch, :start], %{system_time: System.system_time()}, dispatch)
    query()
    live(nil, dead_query, span)
    done = %{conn | status: 200}
    request_stop(order, dispatch, done, 1000)

    # the join: a LiveView process of its own, over the socket's transport
    transport = spawn(fn -> receive do: (:never -> :ok) end)
    {pid, ref} = spawn_monitor(fn -> live(transport, true, span) end)
    receive do: ({:DOWN, ^ref, :process, ^pid, :normal} -> :ok)
    Process.exit(transport, :kill)
  end

  defp live(transport, with_query, span) do
    socket = %Phoenix.LiveView.Socket{id: "phx-F1", view: MyAppWeb.MissionLive, root_pid: self(), transport_pid: transport}
    uri = "http://localhost:4000/mission"
    span.([:phoenix, :live_view, :mount], %{socket: socket, params: %{}, session: %{"user_token" => token()}, uri: uri},
      fn -> if with_query, do: query() end)
    span.([:phoenix, :live_view, :handle_params], %{socket: socket, params: %{}, uri: uri}, fn -> :ok end)
    span.([:phoenix, :live_view, :render], %{socket: socket, force?: false, changed?: true}, fn -> :ok end)
  end
end
