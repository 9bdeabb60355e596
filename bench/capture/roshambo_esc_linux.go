package capture

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/input/keys"
	"github.com/roshambo-game/roshambo/internal/mono"
)

// roshamboESC: input.Reader + keys.Decoder with the default options, as an
// application would run them: Next with the decoder's deadline, Feed, drain
// the events, Expire when the deadline passes. A lone ESC in a drained chunk
// resolves at once; otherwise the fallback delay applies. Stamped when the
// decoder hands out the Esc key event.
func roshamboESC(s *session, path string) error {
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
	dec := keys.NewDecoder(keys.Options{})
	var ev keys.Event
	s.ready()
	// emit hands out the decoded events; true when the run is over.
	emit := func() bool {
		for dec.Next(&ev) {
			now := mono.Now()
			if ev.Kind != keys.KindKey || ev.Key != keys.KeyEsc {
				s.fail(fmt.Errorf("roshambo ESC test: unexpected event %s", ev))
				return true
			}
			if s.deliver(0x1b, stamps{t: [maxStages]int64{now}}) {
				return true
			}
		}
		return false
	}
	for {
		c, err := r.Next(dec.Deadline())
		switch {
		case errors.Is(err, input.ErrDeadline):
			dec.Expire(mono.Now())
			if emit() {
				return s.err
			}
			continue
		case err != nil:
			return fmt.Errorf("roshambo next: %w", err)
		}
		dec.Feed(c.Data, c.Time, c.Drained)
		done := emit()
		r.Release()
		if done {
			return s.err
		}
	}
}
