package capture

import (
	"fmt"
	"os"
	"time"

	"github.com/roshambo-game/roshambo/bench/breakdown"
	"github.com/roshambo-game/roshambo/internal/latency"
	"github.com/roshambo-game/roshambo/internal/ptyharness"
)

// BreakdownSamples caps the samples per reader and load of the traced pass.
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

// PartStat is a part's P50 and P99 with their 95% intervals.
type PartStat struct {
	P50   int64    `json:"p50_ns"`
	P50CI [2]int64 `json:"p50_ci_ns"`
	P99   int64    `json:"p99_ns"`
	P99CI [2]int64 `json:"p99_ci_ns"`
}

// PartsRun is one reader's stage under one load split in two (see
// breakdown.Parts): the kernel's part (write -> a thread of the reader
// woken) and the reader's part (woken -> the reader's stamp).
type PartsRun struct {
	Reader string `json:"reader"`
	Stage  string `json:"stage"`
	Load   string `json:"load"`
	N      int    `json:"n"` // samples split
	// Unmatched: samples without their flush event (lost); NotWoken:
	// samples for which no thread of the reader was woken (it was
	// running), whose kernel part ends with the flush.
	Unmatched  int      `json:"unmatched"`
	NotWoken   int      `json:"not_woken"`
	Kernel     PartStat `json:"kernel"`
	ReaderPart PartStat `json:"reader_part"`
}

// partBlocks are a traced run's parts by round.
type partBlocks struct {
	kernel, reader      latency.Blocks
	unmatched, notWoken int
}

// tracedPass runs every reader under every load once more with the eBPF
// tracer attached (a separate pass, so that tracing does not touch the main
// figures), interleaved in blocks like the main pass, and splits every
// sample into the kernel's part and the reader's part; roshambo's ring
// stage also step by step.
func (res *Result) tracedPass(cfg Config, gmin, gmax time.Duration) error {
	tr, err := breakdown.Open()
	if err != nil {
		return err
	}
	defer tr.Close()
	n := min(cfg.Samples, BreakdownSamples)
	plan := planBlocks(cfg.Readers, cfg.Loads, n, cfg.Block)
	cfg.progress("capture: traced pass (eBPF): %d readers x %d loads x %d samples in %d blocks", len(cfg.Readers), len(cfg.Loads), n, len(plan))
	pm := newProgress(cfg.Progress, "traced pass")
	splits := map[string]*struct {
		recs  [6]*latency.Recorder
		n, un int
		lost  uint64
	}{}
	var seq uint64
	interleave(plan, cfg.Budget, func(b blockSpec, remaining time.Duration) (int, error) {
		spec, _ := specByName(b.Reader)
		seq++
		if _, err := tr.Drain(); err != nil { // discard leftovers
			return 0, err
		}
		lost0, err := tr.Lost()
		if err != nil {
			return 0, err
		}
		s, err := runOne(spec.run, b.Load, ptyharness.WriterConfig{
			Samples: cfg.Warmup + b.Samples, GapMin: gmin, GapMax: gmax,
			Mode: ptyharness.ModeKeys, Seed: cfg.Seed + 1<<40 + seq, Budget: remaining,
		}, cfg.Warmup, len(spec.stages), func(s *session, w *ptyharness.Writer) error {
			s.keepAbsolute(cfg.Warmup + b.Samples)
			return tr.Configure(w.Pid(), os.Getpid())
		})
		cerr := tr.Configure(0, 0)
		if err != nil {
			return 0, err
		}
		if cerr != nil {
			return 0, cerr
		}
		evs, err := tr.Drain()
		if err != nil {
			return 0, err
		}
		lost1, err := tr.Lost()
		if err != nil {
			return 0, err
		}
		parts, unmatched := breakdown.SplitParts(evs, s.writes, s.abs[0])
		for k, stage := range spec.stages {
			key := runKey{b.Reader, stage, b.Load}
			pb := res.parts[key]
			if pb.kernel == nil {
				pb.kernel, pb.reader = make(latency.Blocks, b.Rounds), make(latency.Blocks, b.Rounds)
			}
			var kern, rd []int64
			nw := 0
			for i, p := range parts {
				if p.Kernel < 0 {
					continue
				}
				if !p.Woken {
					nw++
				}
				kern = append(kern, p.Kernel)
				rd = append(rd, s.abs[k][i]-s.writes[i]-p.Kernel)
			}
			pb.kernel[b.Round], pb.reader[b.Round] = kern, rd
			pb.unmatched += unmatched
			pb.notWoken += nw
			res.parts[key] = pb
		}
		if b.Reader == "roshambo" {
			sp := splits[b.Load]
			if sp == nil {
				sp = &struct {
					recs  [6]*latency.Recorder
					n, un int
					lost  uint64
				}{}
				for k := range sp.recs {
					sp.recs[k] = latency.NewRecorder()
				}
				splits[b.Load] = sp
			}
			samples, un := breakdown.Split(evs, s.writes, s.abs[0])
			for _, x := range samples {
				for k, v := range []int64{x.Flush, x.WorkerStart, x.Sched, x.SyscallExit, x.User, x.Total} {
					sp.recs[k].Record(v)
				}
			}
			sp.n += len(samples)
			sp.un += un
			sp.lost += lost1 - lost0
		}
		return s.measured(), nil
	}, func(b blockSpec, err error) {
		res.Errors = append(res.Errors, fmt.Sprintf("traced %s/%s round %d: %v", b.Reader, b.Load, b.Round, err))
	}, pm.tick)
	var ks []KernelSplit
	for _, ld := range cfg.Loads {
		for _, name := range cfg.Readers {
			spec, _ := specByName(name)
			for _, stage := range spec.stages {
				key := runKey{name, stage, ld}
				pb, ok := res.parts[key]
				if !ok {
					continue
				}
				kq := pb.kernel.QuantileCIs([]float64{0.5, 0.99}, res.nres, res.seedFor("kernel"+name+stage+ld))
				rq := pb.reader.QuantileCIs([]float64{0.5, 0.99}, res.nres, res.seedFor("reader"+name+stage+ld))
				res.Breakdown.Parts = append(res.Breakdown.Parts, PartsRun{
					Reader: name, Stage: stage, Load: ld, N: pb.reader.Len(), Unmatched: pb.unmatched, NotWoken: pb.notWoken,
					Kernel: partStat(kq), ReaderPart: partStat(rq),
				})
			}
		}
		if sp := splits[ld]; sp != nil {
			ks = append(ks, KernelSplit{Load: ld, N: sp.n, Unmatched: sp.un, Lost: sp.lost,
				Flush: sp.recs[0].Summary(), WorkerStart: sp.recs[1].Summary(), Sched: sp.recs[2].Summary(),
				SyscallExit: sp.recs[3].Summary(), User: sp.recs[4].Summary(), Total: sp.recs[5].Summary()})
		}
	}
	res.Breakdown.Kernel = ks
	return nil
}

func partStat(q []latency.QuantileCI) PartStat {
	return PartStat{P50: q[0].Estimate, P50CI: ciNs(q[0].CI), P99: q[1].Estimate, P99CI: ciNs(q[1].CI)}
}

// findParts returns the traced split of reader/stage under load.
func (res *Result) findParts(reader, stage, load string) (PartsRun, bool) {
	for _, p := range res.Breakdown.Parts {
		if p.Reader == reader && p.Stage == stage && p.Load == load {
			return p, true
		}
	}
	return PartsRun{}, false
}
