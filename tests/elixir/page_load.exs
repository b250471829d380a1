# elixir -r telemetry_stub.exs -r LIB page_load.exs FILE VARIANT assign|assign_new [append]
# Traces one simulated page load (PageLoad in telemetry_stub.exs) into FILE:
# with "assign" the dead mount queries, with "assign_new" it does not.
[file, variant, kind | rest] = System.argv()
:ok = LvTrace.Telemetry.attach(repo: [:my_app, :repo], path: file, variant: variant, append: rest == ["append"])
PageLoad.run(kind == "assign")
:ok = LvTrace.Telemetry.detach()
