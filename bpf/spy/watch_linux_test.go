package spy

import (
	"os"
	"testing"
	"time"
)

// TestWatchFileKeepsThePipeNonBlocking: watching a pipe that a goroutine
// reads (the game's end of the bot's stdout) leaves it in Go's poller, so
// that closing it still wakes the reader.
func TestWatchFileKeepsThePipeNonBlocking(t *testing.T) {
	s := openSpy(t, Options{})
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	done := make(chan error, 1)
	go func() {
		_, err := r.Read(make([]byte, 1))
		done <- err
	}()
	if err := s.WatchFile(r); err != nil {
		t.Fatal(err)
	}
	if err := s.UnwatchFile(r); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // the reader is blocked in Read
	r.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("closing a watched pipe did not wake its reader: WatchFile made it blocking")
	}
}
