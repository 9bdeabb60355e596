package capture

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/internal/mono"
	"github.com/roshambo-game/roshambo/internal/ptyharness"
)

type idleConfig struct{ Duration time.Duration }

type idleResult struct {
	CPUNs  int64 `json:"cpu_ns"`
	WallNs int64 `json:"wall_ns"`
	// The Reader's counters over the idle period: with no key, the reader
	// thread is never woken and the consumer parks once.
	Wakeups, Reads, Parks uint64
}

// measureIdleCPU runs, in a child process that does nothing else, an
// input.Reader with a consumer waiting in Next on an idle pty for d, and
// returns the child's CPU use (user + system, whole process: the reader
// thread, the parked consumer and the Go runtime's own threads) as a
// percentage of one core.
func measureIdleCPU(d time.Duration) (float64, idleResult, error) {
	cmd, err := ptyharness.ChildCommand("idlecpu", idleConfig{Duration: d})
	if err != nil {
		return 0, idleResult{}, err
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return 0, idleResult{}, fmt.Errorf("idle CPU child: %w: %s", err, errb.String())
	}
	var r idleResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return 0, r, fmt.Errorf("idle CPU child output %q: %w", out.String(), err)
	}
	if r.WallNs <= 0 {
		return 0, r, errors.New("idle CPU child measured no time")
	}
	return float64(r.CPUNs) / float64(r.WallNs) * 100, r, nil
}

func cpuNs() (int64, error) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), nil
}

// runIdleChild is the "idlecpu" child role.
func runIdleChild(cfg idleConfig) error {
	pair, err := ptyharness.OpenPair()
	if err != nil {
		return err
	}
	defer pair.Close() // the master stays here: nobody writes to it
	fd, err := openRaw(pair.SlavePath)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	r, err := input.NewReader(fd, input.ReaderOptions{})
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		for {
			if _, err := r.Next(0); err != nil {
				if errors.Is(err, input.ErrClosed) {
					err = nil
				}
				done <- err
				return
			}
			r.Release()
		}
	}()
	time.Sleep(100 * time.Millisecond) // settle: the consumer parks
	st0 := r.Stats()
	c0, err := cpuNs()
	if err != nil {
		return err
	}
	t0 := mono.Now()
	time.Sleep(cfg.Duration)
	c1, err := cpuNs()
	if err != nil {
		return err
	}
	t1 := mono.Now()
	st1 := r.Stats()
	if err := r.Close(); err != nil {
		return err
	}
	if err := <-done; err != nil {
		return fmt.Errorf("consumer: %w", err)
	}
	return json.NewEncoder(os.Stdout).Encode(idleResult{CPUNs: c1 - c0, WallNs: t1 - t0,
		Wakeups: st1.Wakeups - st0.Wakeups, Reads: st1.Reads - st0.Reads, Parks: st1.Parks - st0.Parks})
}

// RunChild runs this process's child role (the benchmark re-executes
// itself: writer, spinner, idle CPU guard) and returns its exit code and
// true; it returns false in the parent. Call it first thing in main.
func RunChild() (int, bool) {
	if code, ok := ptyharness.RunChild(); ok {
		return code, true
	}
	var cfg idleConfig
	role, err := ptyharness.ChildRole(nil)
	if err != nil || role != "idlecpu" {
		return 0, false
	}
	if _, err := ptyharness.ChildRole(&cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2, true
	}
	if err := runIdleChild(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "idle CPU child:", err)
		return 1, true
	}
	return 0, true
}
