//go:build !linux

package breakdown

import "fmt"

// Tracer would be the loaded program; on this platform Open never returns
// one.
type Tracer struct{}

// FlushToLdisc returns ErrUnsupportedPlatform.
func FlushToLdisc() (uint64, error) {
	return 0, fmt.Errorf("flush_to_ldisc: %w", ErrUnsupportedPlatform)
}

// Open returns ErrUnsupportedPlatform.
func Open() (*Tracer, error) { return nil, fmt.Errorf("breakdown: %w", ErrUnsupportedPlatform) }

// Configure returns ErrUnsupportedPlatform.
func (t *Tracer) Configure(writerTgid, readerTgid int) error {
	return fmt.Errorf("configure breakdown: %w", ErrUnsupportedPlatform)
}

// Drain returns ErrUnsupportedPlatform.
func (t *Tracer) Drain() ([]Event, error) {
	return nil, fmt.Errorf("read breakdown events: %w", ErrUnsupportedPlatform)
}

// Lost returns ErrUnsupportedPlatform.
func (t *Tracer) Lost() (uint64, error) {
	return 0, fmt.Errorf("read lost counter: %w", ErrUnsupportedPlatform)
}

// Close does nothing.
func (t *Tracer) Close() error { return nil }
