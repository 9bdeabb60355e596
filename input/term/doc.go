// Package term owns the terminal's mode for roshambo: raw mode (cfmakeraw via
// termios TCGETS/TCSETS), its restoration on every way out of the program,
// suspend and resume, window size and resize signals, and the tcell.Tty seam
// through which tcell draws without ever reading the keyboard.
//
// # Exit paths
//
// The termios saved by Open is restored:
//   - on a normal exit and on Ctrl-C (byte 0x03: with ISIG off the application
//     decides to quit and calls Restore or Close);
//   - on SIGTERM, SIGHUP and SIGINT when Watch is running: Watch reports an
//     EventTerminate and the application decides: it restores the terminal,
//     prints what must outlive it (roshambo prints the match record) and ends
//     with ExitBySignal, so the parent sees the conventional status. If a
//     second terminating signal arrives first, Watch restores the terminal and
//     ends the process itself;
//   - on a panic on the main goroutine through a deferred RestoreOnPanic;
//   - on a panic in any other goroutine, a fatal runtime error, or SIGKILL,
//     through a crash monitor: a copy of the same executable started in a
//     monitor mode (see MonitorEnv) that holds the saved termios, receives the
//     runtime's crash output (runtime/debug.SetCrashOutput) and, when the
//     parent dies while raw mode is on, restores the terminal and relays the
//     crash report to standard error.
//
// # Suspend and resume
//
// With ISIG off, Ctrl-Z arrives as byte 0x1A. The application calls Suspend:
// the Leave hooks run (the renderer leaves the alternate screen, the input
// layer switches its terminal modes off), the termios is restored, the job is
// stopped as the terminal's own Ctrl-Z would stop it (SIGTSTP to the process
// group, so that a shell waiting for a wrapper such as make or `sh -c` sees
// the job stop and takes the terminal back; then SIGSTOP to the process
// itself, which works even for an orphaned group, where the kernel discards
// SIGTSTP), and when it is continued, raw mode and the Enter hooks are
// re-applied. Watch turns the SIGCONT into an EventRepaint. An external
// SIGTSTP is reported as an EventSuspend, and the application suspends the
// same way; an external SIGSTOP followed by SIGCONT re-applies raw mode (the
// shell may have changed the termios while the process was stopped) and
// reports EventRepaint.
package term
