# Per conn, every span's stop closes the innermost open start of the same
# name and phase; a span inside another has the phase "outer/inner"; at
# the end nothing is left open.
[group_by(.conn)[]
 | reduce (.[] | select((.event | test("\\.(start|stop)$")) and .event != "trace.start" and .event != "trace.stop")) as $e
     ({stack: [], ok: true};
      ($e.event | sub("\\.(start|stop)$"; "")) as $name
      | if ($e.event | endswith(".start")) then
          (if ($e.phase != null and (.stack | map(select(.phase != null)) | length) > 0)
           then (.stack | map(select(.phase != null)) | last.phase) as $outer
                | (if ($e.phase | startswith($outer + "/")) then . else .ok = false end)
           else . end)
          | .stack += [{name: $name, phase: $e.phase}]
        elif (.stack | length) > 0 and .stack[-1].name == $name and .stack[-1].phase == $e.phase
             and ($e.duration_us // 0 | type == "number") then .stack |= .[:-1]
        else .ok = false end)
 | .ok and (.stack | length == 0)]
| length > 0 and all
