#pragma once
// Preemption and time limits: SIGTERM (a scheduler's kill, torchrun's stop), SIGUSR1 (what
// `sbatch --signal=USR1@120` sends before the time limit) and SIGINT (Ctrl-C) ask a long job to
// stop cleanly; it finishes what is in flight, saves its state and exits with
// kExitStoppedBySignal. A second signal ends the process at once.

namespace tesg::cluster {

/// The exit status of a job that stopped on a signal after saving its state: resumable, not a
/// failure (EX_TEMPFAIL of sysexits.h). scripts/slurm/train.sbatch requeues on it.
inline constexpr int kExitStoppedBySignal = 75;

/// Installs the handlers of SIGTERM, SIGUSR1 and SIGINT: the first one is recorded
/// (stop_signal()), one more a second or later kills the process with that signal's default
/// action (sooner, it is the same request forwarded by a launcher).
void install_stop_handlers();

/// The signal that asked to stop, 0 when none has arrived.
int stop_signal();

/// "SIGTERM", "SIGUSR1", "SIGINT", else "a signal".
const char* signal_name(int signal);

}  // namespace tesg::cluster
