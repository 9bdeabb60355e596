package capture

import (
	"fmt"
	"time"

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
func runRoshambo(s *session, path string) error { return runRoshamboOpts(s, path, false) }

// HotWindow is how long the roshambo-hot reader is made hot: longer than
// any block, so that it stays hot while its keys arrive.
const HotWindow = time.Minute

// runRoshamboHot: input.Reader in hot mode (ReaderOptions.HotMax, Hot):
// the reader thread polls read(2) and Next spins, for the whole block.
func runRoshamboHot(s *session, path string) error { return runRoshamboOpts(s, path, true) }

func runRoshamboOpts(s *session, path string, hot bool) error {
	fd, err := openRaw(path)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var opts input.ReaderOptions
	if hot {
		opts.HotMax = HotWindow
	}
	r, err := input.NewReader(fd, opts)
	if err != nil {
		return err
	}
	defer r.Close()
	if hot {
		r.Hot(HotWindow)
		defer r.Hot(0)
	}
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
	return []readerSpec{
		{name: "roshambo", stages: []string{"ring", "consumer"}, run: runRoshambo, esc: roshamboESC, profileAllocs: true},
		{name: "roshambo-hot", stages: []string{"ring", "consumer"}, run: runRoshamboHot, profileAllocs: true},
	}
}
