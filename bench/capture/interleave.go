//go:build linux

package capture

import (
	"fmt"
	"io"
	"time"
)

// DefaultBlock is the number of measured samples per block.
const DefaultBlock = 250

// blockSpec is one block of an interleaved pass: Samples measured samples
// of one reader under one load, in round Round (of Rounds).
type blockSpec struct {
	Round, Rounds int
	Reader, Load  string
	Samples       int
}

// runID names a reader under a load.
type runID struct{ reader, load string }

// planBlocks interleaves the readers and loads: round after round, every
// load and within it every reader gets one block of up to block samples,
// until each has samples. The order within a round rotates (round r starts
// at reader r mod len and load r mod len), so that no reader always runs
// first or right after the same neighbour. The last round holds the rest.
func planBlocks(readers, loads []string, samples, block int) []blockSpec {
	if samples <= 0 || block <= 0 || len(readers) == 0 || len(loads) == 0 {
		return nil
	}
	rounds := (samples + block - 1) / block
	var out []blockSpec
	for r := range rounds {
		n := min(block, samples-r*block)
		for li := range loads {
			ld := loads[(li+r)%len(loads)]
			for ri := range readers {
				out = append(out, blockSpec{Round: r, Rounds: rounds, Reader: readers[(ri+r)%len(readers)], Load: ld, Samples: n})
			}
		}
	}
	return out
}

// runState is how a reader under a load fared over a pass.
type runState struct {
	spent     time.Duration // wall time of its blocks
	measured  int           // samples measured
	truncated bool          // its budget ran out before its samples
	skipped   int           // blocks not run because the budget ran out
	failed    int           // blocks that failed
}

// blockRunner runs one block with at most remaining of its run's budget (0:
// none) and returns the samples it measured.
type blockRunner func(b blockSpec, remaining time.Duration) (measured int, err error)

// interleave runs the blocks in order. A run whose blocks have used its
// budget (per reader and load; 0 = none) skips its remaining blocks and is
// marked truncated, as is one whose writer stopped a block early. Failed
// blocks are counted and reported to fail; the others go on. tick, if not
// nil, is called after each block with the blocks done so far.
func interleave(blocks []blockSpec, budget time.Duration, run blockRunner, fail func(b blockSpec, err error),
	tick func(done, total int)) map[runID]*runState {
	states := map[runID]*runState{}
	for i, b := range blocks {
		id := runID{b.Reader, b.Load}
		st := states[id]
		if st == nil {
			st = &runState{}
			states[id] = st
		}
		var remaining time.Duration
		if budget > 0 {
			remaining = budget - st.spent
			if remaining <= 0 {
				st.truncated = true
				st.skipped++
				if tick != nil {
					tick(i+1, len(blocks))
				}
				continue
			}
		}
		start := time.Now()
		n, err := run(b, remaining)
		st.spent += time.Since(start)
		if err != nil {
			st.failed++
			if fail != nil {
				fail(b, err)
			}
		} else {
			st.measured += n
			if n < b.Samples {
				st.truncated = true
			}
		}
		if tick != nil {
			tick(i+1, len(blocks))
		}
	}
	return states
}

// progressMeter prints a progress line with an estimate of the time left
// at most every interval (and at the end).
type progressMeter struct {
	w        io.Writer
	what     string
	start    time.Time
	last     time.Time
	interval time.Duration
}

func newProgress(w io.Writer, what string) *progressMeter {
	now := time.Now()
	return &progressMeter{w: w, what: what, start: now, last: now, interval: 5 * time.Second}
}

// tick reports done of total blocks.
func (p *progressMeter) tick(done, total int) {
	if p == nil || p.w == nil {
		return
	}
	now := time.Now()
	if done < total && now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	fmt.Fprintln(p.w, progressLine(p.what, done, total, now.Sub(p.start)))
}

// progressLine formats a progress line: the share done, the time spent and
// the estimated time left (from the average block so far).
func progressLine(what string, done, total int, elapsed time.Duration) string {
	if total <= 0 {
		return fmt.Sprintf("capture: %s: nothing to do", what)
	}
	if done >= total {
		return fmt.Sprintf("capture: %s: %d/%d blocks done in %v", what, done, total, elapsed.Round(time.Second))
	}
	var eta time.Duration
	if done > 0 {
		eta = elapsed / time.Duration(done) * time.Duration(total-done)
	}
	return fmt.Sprintf("capture: %s: %d/%d blocks (%d%%), %v elapsed, about %v left",
		what, done, total, 100*done/total, elapsed.Round(time.Second), eta.Round(time.Second))
}
