package capture

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/internal/mono"
)

// openRaw opens the pty slave as a plain fd, outside Go's netpoller: the
// input.Reader watches it with its own epoll instance.
func openRaw(path string) (int, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s: %w", path, err)
	}
	return fd, nil
}

// runRoshambo: input.Reader with default options. Stage "ring" is the chunk's
// capture stamp (taken by the reader thread right after read() returned,
// just before the ring publish); stage "consumer" is when Next returned the
// chunk to the consuming goroutine. The user-space part is Chunk.Time minus
// Chunk.Woke (epoll_wait returned).
func runRoshambo(s *session, path string) error {
	fd, err := openRaw(path)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	r, err := input.NewReader(fd, input.ReaderOptions{})
	if err != nil {
		return err
	}
	defer r.Close()
	s.ready()
	for {
		c, err := r.Next(0)
		now := mono.Now()
		if err != nil {
			return fmt.Errorf("roshambo next: %w", err)
		}
		us := max(c.Time-c.Woke, 1)
		for _, b := range c.Data {
			if s.deliver(b, stamps{t: [maxStages]int64{c.Time, now}, userspace: us}) {
				r.Release()
				return s.err
			}
		}
		r.Release()
	}
}

func roshamboSpecs() []readerSpec {
	return []readerSpec{{name: "roshambo", stages: []string{"ring", "consumer"}, run: runRoshambo, esc: roshamboESC}}
}
