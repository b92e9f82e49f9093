#pragma once
// Fault injection for the crash-safety tests: a named point in a long job where the test can
// have the process killed, as an out-of-memory killer or a cluster scheduler would.

namespace tesg {

/// When $TESG_FAULT is "NAME:N", the N-th call of fault_point(NAME) in this process kills it
/// with SIGKILL (no clean-up, no destructors). Otherwise a no-op: one comparison per call.
/// With $TESG_FAULT_RANK set, only the process whose $RANK it names is killed.
/// Points: "train.step" (after backward, before the optimizer step), "validation.pair",
/// "atomic_write" (a temp file written, not yet renamed), "progress" (an item of fuse, sig or
/// eval finished).
void fault_point(const char* name);

}  // namespace tesg
