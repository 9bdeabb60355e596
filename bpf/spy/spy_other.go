//go:build !linux

package spy

import (
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/roshambo-game/roshambo/bpf/event"
)

// The spy is eBPF on Linux: elsewhere the package builds, Open fails with
// ErrUnsupportedPlatform, and so does every other entry point.

// Spy would be a loaded spy; on this platform Open never returns one.
type Spy struct{}

func unsupported(op string) error {
	return fmt.Errorf("spy: %s: %w", op, ErrUnsupportedPlatform)
}

// Open checks the options, then returns ErrUnsupportedPlatform.
func Open(opts Options) (*Spy, error) {
	if err := opts.normalize(); err != nil {
		return nil, err
	}
	return nil, unsupported("open")
}

// CheckPrivileges returns ErrUnsupportedPlatform.
func CheckPrivileges() error { return unsupported("check privileges") }

// ProcessOf returns ErrUnsupportedPlatform.
func ProcessOf(pid int) (int, error) { return 0, unsupported("process of") }

// Close does nothing.
func (s *Spy) Close() error { return nil }

// AddTarget returns ErrUnsupportedPlatform.
func (s *Spy) AddTarget(pid int) error { return unsupported("add target") }

// RemoveTarget returns ErrUnsupportedPlatform.
func (s *Spy) RemoveTarget(pid int) error { return unsupported("remove target") }

// Launch returns ErrUnsupportedPlatform without starting cmd.
func (s *Spy) Launch(cmd *exec.Cmd) error { return unsupported("launch") }

// LaunchFunc returns ErrUnsupportedPlatform without calling start.
func (s *Spy) LaunchFunc(start func() error) error { return unsupported("launch") }

// Read returns ErrUnsupportedPlatform.
func (s *Spy) Read(ev *event.Event) error { return unsupported("read") }

// Stop does nothing.
func (s *Spy) Stop() {}

// SetDeadline does nothing.
func (s *Spy) SetDeadline(t time.Time) {}

// Dropped returns ErrUnsupportedPlatform.
func (s *Spy) Dropped() (uint64, error) { return 0, unsupported("dropped") }

// Targets returns 0.
func (s *Spy) Targets() int { return 0 }

// WatchFile returns ErrUnsupportedPlatform.
func (s *Spy) WatchFile(f *os.File) error { return unsupported("watch") }

// WatchPath returns ErrUnsupportedPlatform.
func (s *Spy) WatchPath(path string) error { return unsupported("watch") }

// UnwatchFile returns ErrUnsupportedPlatform.
func (s *Spy) UnwatchFile(f *os.File) error { return unsupported("unwatch") }
