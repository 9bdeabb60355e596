package input

import "github.com/roshambo-game/roshambo/internal/mono"

// Now returns the time on the clock of the input layer: CLOCK_MONOTONIC, in
// nanoseconds. Captured chunks and events carry times on it (ring.Chunk.Time,
// Event.Time), and deadlines are given on it (Reader.Next,
// keys.Decoder.Expire). It reads the clock without a system call and does
// not allocate.
func Now() int64 { return mono.Now() }

// Since returns the nanoseconds elapsed since t, a time from Now (such as a
// key's capture time).
func Since(t int64) int64 { return mono.Since(t) }
