# The handler as a Mix project, so that an app adds it as a dependency:
#   {:lvtrace_telemetry, path: "../lvtrace/tracer/elixir", only: :dev}
# (only: [:dev, :test] to record under mix test, a query budget in CI).
# It needs :telemetry only, which every Phoenix app has already.
defmodule LvTrace.Telemetry.MixProject do
  use Mix.Project

  def project do
    [
      app: :lvtrace_telemetry,
      version: "0.1.0",
      elixir: "~> 1.14",
      deps: [{:telemetry, "~> 1.0"}]
    ]
  end

  def application do
    [extra_applications: [:logger]]
  end
end
