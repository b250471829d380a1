# Chrome trace event JSON: per process and thread, the complete ("X")
# events, taken in time order (the longer first at a tie), nest: each one
# that starts inside another ends inside it too. True when all of them do
# and there is at least one.
[.traceEvents | map(select(.ph == "X")) | group_by([.pid, .tid])[]
 | sort_by([.ts, -.dur])
 | reduce .[] as $e ({stack: [], ok: true};
     .stack |= map(select(. > $e.ts))
     | if (.stack | length) > 0 and ($e.ts + $e.dur) > .stack[-1] then .ok = false else . end
     | .stack += [$e.ts + $e.dur])
 | .ok]
| length > 0 and all
