# The handler as a Mix project, so that an app adds it as a dependency:
#   {:lvtrace_telemetry, path: "../lvtrace/tracer/elixir", only: :dev}
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
