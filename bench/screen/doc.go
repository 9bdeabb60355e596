// Package screen is `roshambo-bench screen`: key-to-screen latency, the
// whole path a player feels, from a key reaching the terminal to the first
// (and the last) byte of the program's answer on the screen.
//
// A writer process (this program re-executed, see RunChild) owns the pty
// masters, as a terminal emulator does: it waits for the programs' first
// screens, then writes one key, stamps it, and times the first byte of the
// screen update that follows and its last byte (the update ends after a quiet
// period), before the next key after a random gap. The contenders: a
// raw-mode read/write echo (the floor of the pty round trip), a minimal tcell
// app and a minimal bubbletea v2 app that redraw a counter on each key, and
// roshambo in plain and in commit mode against a fixed built-in bot. The
// helper apps are this program in other child roles, not programs in the
// user's PATH.
//
// By default every program runs at once, each on a fresh pty of its own, and
// the keys go round them one at a time (the order rotating every turn), in
// sessions of --block keys per program. A disturbance of the machine (a
// neighbour's burst, a host's housekeeping) then falls on every program
// alike instead of on one program's block, which is what decides a P99 over
// a few hundred keys. --interleave blocks runs one program at a time, block
// by block, as earlier versions did.
//
// The report gives P50/P90/P99/max with 95% bootstrap intervals, bytes per
// update, the game's allocations per key (ROSHAMBO_STATS_FILE, against a
// run with no key), and a verdict on the game's claim: its first frame after
// a key has a P50 of at most 0.7x the minimal tcell app's and a P99 no worse.
//
// While the keys are timed, the writer runs a stall probe on every CPU: a
// thread pinned to it that sleeps until an absolute time every --stall-probe
// and notes when it wakes over 1 ms late. On the paravirtualised machine the
// figures were taken on, the host takes a vCPU away for milliseconds at a
// time while a pty benchmark runs, and every program's P99 then measures the
// host. A key whose write-to-first-byte stretch overlaps such a stall is
// counted per program (stalled_keys) and marked in --samples-file, and the
// claims are judged a second time without those keys.
package screen
