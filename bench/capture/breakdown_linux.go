package capture

import (
	"fmt"
	"os"
	"time"

	"github.com/roshambo-game/roshambo/bench/breakdown"
	"github.com/roshambo-game/roshambo/internal/latency"
	"github.com/roshambo-game/roshambo/internal/ptyharness"
)

// BreakdownSamples caps the samples of each traced run.
const BreakdownSamples = 5000

// KernelSplit is the eBPF breakdown of roshambo's ring stage under one load.
// The steps end where the next begins: flush + sched + syscall_exit + user
// = total (write to the master -> capture stamp).
type KernelSplit struct {
	Load      string `json:"load"`
	N         int    `json:"n"`         // samples split
	Unmatched int    `json:"unmatched"` // samples without the full event chain
	Lost      uint64 `json:"lost"`      // events the kernel could not record
	// Flush: write -> reader thread woken by the flush_to_ldisc worker;
	// WorkerStart: the part of it before the worker started.
	Flush       latency.Summary `json:"flush"`
	WorkerStart latency.Summary `json:"worker_start"`
	// Sched: woken -> switched in. SyscallExit: switched in -> epoll_wait
	// returned. User: epoll_wait returned -> capture stamp.
	Sched       latency.Summary `json:"sched"`
	SyscallExit latency.Summary `json:"syscall_exit"`
	User        latency.Summary `json:"user"`
	Total       latency.Summary `json:"total"`
}

// kernelBreakdown runs roshambo once more under each load with the eBPF
// tracer attached (a separate pass, so that tracing does not touch the main
// figures) and splits every sample.
func kernelBreakdown(cfg Config, gmin, gmax time.Duration) ([]KernelSplit, error) {
	tr, err := breakdown.Open()
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	n := min(cfg.Samples, BreakdownSamples)
	var out []KernelSplit
	for i, ld := range cfg.Loads {
		cfg.progress("capture: breakdown of roshambo under load %s (%d samples, eBPF)...", ld, n)
		if _, err := tr.Drain(); err != nil { // discard leftovers
			return out, err
		}
		s, err := runOne(runRoshambo, ld, ptyharness.WriterConfig{
			Samples: cfg.Warmup + n, GapMin: gmin, GapMax: gmax,
			Mode: ptyharness.ModeKeys, Seed: cfg.Seed + 1000 + uint64(i), Budget: cfg.Budget,
		}, cfg.Warmup, 2, func(s *session, w *ptyharness.Writer) error {
			s.keepAbsolute(cfg.Warmup + n)
			return tr.Configure(w.Pid(), os.Getpid())
		})
		cerr := tr.Configure(0, 0)
		if err != nil {
			return out, fmt.Errorf("breakdown run under load %s: %w", ld, err)
		}
		if cerr != nil {
			return out, cerr
		}
		evs, err := tr.Drain()
		if err != nil {
			return out, err
		}
		lost, err := tr.Lost()
		if err != nil {
			return out, err
		}
		samples, unmatched := breakdown.Split(evs, s.writes, s.first)
		recs := make([]*latency.Recorder, 6)
		for k := range recs {
			recs[k] = latency.NewRecorder()
		}
		for _, x := range samples {
			for k, v := range []int64{x.Flush, x.WorkerStart, x.Sched, x.SyscallExit, x.User, x.Total} {
				recs[k].Record(v)
			}
		}
		out = append(out, KernelSplit{Load: ld, N: len(samples), Unmatched: unmatched, Lost: lost,
			Flush: recs[0].Summary(), WorkerStart: recs[1].Summary(), Sched: recs[2].Summary(),
			SyscallExit: recs[3].Summary(), User: recs[4].Summary(), Total: recs[5].Summary()})
	}
	return out, nil
}
