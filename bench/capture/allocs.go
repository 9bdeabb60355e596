//go:build linux

package capture

import (
	"runtime"
	"strings"
)

// Allocs counts the heap allocations made while a reader's measured
// samples ran (its steady state: the warm-up, the reader's setup and the
// benchmark's own bookkeeping between blocks are outside), split by who
// made them. The allocation profile records every allocation in that window
// with its stack (runtime.MemProfileRate = 1 there, 0 elsewhere), so each
// one is named, not guessed.
type Allocs struct {
	Keys int `json:"keys"` // measured keys behind the counts
	// Mallocs is the process-wide runtime.MemStats.Mallocs delta over the
	// same window (a cross-check of the profile's total).
	Mallocs uint64 `json:"mallocs"`
	// Input: allocations with a frame of the input layer on the stack and
	// not made by the runtime's own sudog cache. The input layer's
	// steady state promises 0.
	Input uint64 `json:"input"`
	// RuntimeSudog: runtime.acquireSudog growing its per-P cache, whoever
	// blocked (a channel operation or select); the runtime's, not the
	// input layer's, and amortised.
	RuntimeSudog uint64 `json:"runtime_sudog"`
	// Other: everything else (the benchmark's session, the load, the
	// runtime), with the first non-runtime function of each.
	Other      uint64            `json:"other"`
	OtherSites map[string]uint64 `json:"other_sites,omitempty"`
}

func (a *Allocs) add(b Allocs) {
	a.Keys += b.Keys
	a.Mallocs += b.Mallocs
	a.Input += b.Input
	a.RuntimeSudog += b.RuntimeSudog
	a.Other += b.Other
	for k, v := range b.OtherSites {
		if a.OtherSites == nil {
			a.OtherSites = map[string]uint64{}
		}
		a.OtherSites[k] += v
	}
}

const inputPkg = "github.com/roshambo-game/roshambo/input."

// allocSnapshot is the allocation profile's cumulative counts per stack.
type allocSnapshot map[[32]uintptr]int64

// takeAllocSnapshot runs a GC (the profile publishes a cycle's allocations
// when it completes) and reads the profile.
func takeAllocSnapshot() allocSnapshot {
	runtime.GC()
	runtime.GC()
	n, _ := runtime.MemProfile(nil, true)
	recs := make([]runtime.MemProfileRecord, n+64)
	n, ok := runtime.MemProfile(recs, true)
	for !ok {
		recs = make([]runtime.MemProfileRecord, n+64)
		n, ok = runtime.MemProfile(recs, true)
	}
	snap := allocSnapshot{}
	for _, r := range recs[:n] {
		snap[r.Stack0] += r.AllocObjects
	}
	return snap
}

// classifyAllocs names the allocations made between two snapshots.
func classifyAllocs(before, after allocSnapshot) Allocs {
	var a Allocs
	for stk, n := range after {
		d := n - before[stk]
		if d <= 0 {
			continue
		}
		frames := stackFuncs(stk)
		switch kind, site := classifyStack(frames); kind {
		case "sudog":
			a.RuntimeSudog += uint64(d)
		case "input":
			a.Input += uint64(d)
		default:
			a.Other += uint64(d)
			if a.OtherSites == nil {
				a.OtherSites = map[string]uint64{}
			}
			a.OtherSites[site] += uint64(d)
		}
	}
	return a
}

// stackFuncs returns the function names of a profile stack, innermost
// first.
func stackFuncs(stk [32]uintptr) []string {
	var pcs []uintptr
	for _, pc := range stk {
		if pc == 0 {
			break
		}
		pcs = append(pcs, pc)
	}
	var names []string
	fr := runtime.CallersFrames(pcs)
	for {
		f, more := fr.Next()
		names = append(names, f.Function)
		if !more {
			break
		}
	}
	return names
}

// classifyStack sorts one allocation's stack (function names, innermost
// first): "sudog" for the runtime's sudog cache, "input" for the input
// layer, else "other" with the first function outside the runtime.
func classifyStack(funcs []string) (kind, site string) {
	for _, f := range funcs {
		if f == "runtime.acquireSudog" {
			return "sudog", f
		}
	}
	for _, f := range funcs {
		if strings.HasPrefix(f, inputPkg) || strings.HasPrefix(f, strings.TrimSuffix(inputPkg, ".")+"/") {
			return "input", f
		}
	}
	for _, f := range funcs {
		if !strings.HasPrefix(f, "runtime.") && f != "" {
			return "other", f
		}
	}
	// The runtime's own: name the first function past the generic
	// allocation entry points.
	for _, f := range funcs {
		switch f {
		case "runtime.mallocgc", "runtime.newobject", "runtime.makeslice", "runtime.growslice", "runtime.mallocgcSmallNoscan",
			"runtime.mallocgcSmallScanNoHeader", "runtime.mallocgcTiny", "runtime.mallocgcLarge", "runtime.profilealloc":
			continue
		}
		return "other", f
	}
	if len(funcs) > 0 {
		return "other", funcs[0]
	}
	return "other", "?"
}
