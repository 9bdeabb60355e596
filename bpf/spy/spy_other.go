//go:build !linux

package spy

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"time"

	"github.com/roshambo-game/roshambo/bpf/event"
)

// The spy is eBPF on Linux: elsewhere the package builds, Open fails with
// ErrUnsupportedPlatform, and so does every other entry point.

// Spy would be a loaded spy; on this platform Open never returns one.
type Spy struct{}

// unsupported is the error of every entry point: ErrUnsupportedPlatform,
// naming the platform.
func unsupported() error {
	return fmt.Errorf("%w, not on %s/%s", ErrUnsupportedPlatform, runtime.GOOS, runtime.GOARCH)
}

// Open checks the options, then returns ErrUnsupportedPlatform.
func Open(opts Options) (*Spy, error) {
	if err := opts.normalize(); err != nil {
		return nil, err
	}
	return nil, unsupported()
}

// CheckPrivileges returns ErrUnsupportedPlatform.
func CheckPrivileges() error { return unsupported() }

// ProcessOf returns ErrUnsupportedPlatform.
func ProcessOf(pid int) (int, error) { return 0, unsupported() }

// Close does nothing.
func (s *Spy) Close() error { return nil }

// AddTarget returns ErrUnsupportedPlatform.
func (s *Spy) AddTarget(pid int) error { return unsupported() }

// RemoveTarget returns ErrUnsupportedPlatform.
func (s *Spy) RemoveTarget(pid int) error { return unsupported() }

// Launch returns ErrUnsupportedPlatform without starting cmd.
func (s *Spy) Launch(cmd *exec.Cmd) error { return unsupported() }

// LaunchFunc returns ErrUnsupportedPlatform without calling start.
func (s *Spy) LaunchFunc(start func() error) error { return unsupported() }

// Read returns ErrUnsupportedPlatform.
func (s *Spy) Read(ev *event.Event) error { return unsupported() }

// Stop does nothing.
func (s *Spy) Stop() {}

// SetDeadline does nothing.
func (s *Spy) SetDeadline(t time.Time) {}

// Dropped returns ErrUnsupportedPlatform.
func (s *Spy) Dropped() (uint64, error) { return 0, unsupported() }

// Targets returns 0.
func (s *Spy) Targets() int { return 0 }

// WatchFile returns ErrUnsupportedPlatform.
func (s *Spy) WatchFile(f *os.File) error { return unsupported() }

// WatchPath returns ErrUnsupportedPlatform.
func (s *Spy) WatchPath(path string) error { return unsupported() }

// UnwatchFile returns ErrUnsupportedPlatform.
func (s *Spy) UnwatchFile(f *os.File) error { return unsupported() }
