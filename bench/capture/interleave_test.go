//go:build linux

package capture

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPlanBlocks: every reader under every load gets exactly its samples,
// in blocks of at most the block size, one block per round, and the order
// rotates between rounds.
func TestPlanBlocks(t *testing.T) {
	readers := []string{"a", "b", "c"}
	loads := []string{"idle", "cpu1"}
	for _, tc := range []struct{ samples, block, rounds int }{
		{1000, 250, 4}, {1001, 250, 5}, {10, 250, 1}, {250, 1, 250},
	} {
		t.Run(fmt.Sprintf("%d/%d", tc.samples, tc.block), func(t *testing.T) {
			plan := planBlocks(readers, loads, tc.samples, tc.block)
			if len(plan) != tc.rounds*len(readers)*len(loads) {
				t.Fatalf("%d blocks, want %d", len(plan), tc.rounds*len(readers)*len(loads))
			}
			got := map[runID]int{}
			perRound := map[string]int{}
			for i, b := range plan {
				if b.Samples <= 0 || b.Samples > tc.block || b.Rounds != tc.rounds {
					t.Fatalf("block %d: %+v", i, b)
				}
				if i > 0 && b.Round < plan[i-1].Round {
					t.Fatalf("block %d: round %d after round %d", i, b.Round, plan[i-1].Round)
				}
				got[runID{b.Reader, b.Load}] += b.Samples
				perRound[fmt.Sprintf("%s/%s/%d", b.Reader, b.Load, b.Round)]++
			}
			for _, r := range readers {
				for _, l := range loads {
					if got[runID{r, l}] != tc.samples {
						t.Errorf("%s/%s: %d samples, want %d", r, l, got[runID{r, l}], tc.samples)
					}
				}
			}
			for k, n := range perRound {
				if n != 1 {
					t.Errorf("%s: %d blocks in one round", k, n)
				}
			}
			if tc.rounds > 1 && plan[0].Reader == plan[len(readers)*len(loads)].Reader {
				t.Errorf("round 1 starts with the same reader as round 0 (%s): no rotation", plan[0].Reader)
			}
		})
	}
	if planBlocks(readers, loads, 0, 250) != nil || planBlocks(nil, loads, 10, 250) != nil {
		t.Error("an empty plan has blocks")
	}
}

// TestInterleaveBudget: a run whose blocks use up its budget skips the rest
// and says so; a block the writer cut short marks its run truncated; the
// others get all their samples; a failed block is counted and reported.
func TestInterleaveBudget(t *testing.T) {
	plan := planBlocks([]string{"fast", "slow", "short", "broken"}, []string{"idle"}, 100, 10)
	var failed []string
	var ticks, slowRuns int
	states := interleave(plan, 50*time.Millisecond, func(b blockSpec, remaining time.Duration) (int, error) {
		if remaining <= 0 || remaining > 50*time.Millisecond {
			t.Errorf("%s round %d: remaining budget %v", b.Reader, b.Round, remaining)
		}
		switch b.Reader {
		case "slow":
			slowRuns++
			time.Sleep(20 * time.Millisecond) // about 3 blocks fit in 50 ms
		case "short":
			if b.Round == 4 {
				return b.Samples - 3, nil
			}
		case "broken":
			if b.Round == 2 {
				return 0, errors.New("boom")
			}
		}
		return b.Samples, nil
	}, func(b blockSpec, err error) {
		failed = append(failed, fmt.Sprintf("%s/%d: %v", b.Reader, b.Round, err))
	},
		func(done, total int) {
			ticks++
			if total != len(plan) || done != ticks {
				t.Errorf("tick %d/%d after %d blocks", done, total, ticks)
			}
		})
	if ticks != len(plan) {
		t.Errorf("%d ticks for %d blocks", ticks, len(plan))
	}
	if st := states[runID{"fast", "idle"}]; st.measured != 100 || st.truncated || st.skipped != 0 {
		t.Errorf("fast: %+v, want all 100 samples", st)
	}
	// How many slow blocks fit depends on how long the sleeps really took
	// on this machine; every block that ran is measured, the rest skipped.
	if st := states[runID{"slow", "idle"}]; !st.truncated || slowRuns == 0 || slowRuns == 10 || st.measured != 10*slowRuns || st.skipped != 10-slowRuns {
		t.Errorf("slow: %+v after %d blocks ran, want truncated, each block that ran measured", st, slowRuns)
	}
	if st := states[runID{"short", "idle"}]; !st.truncated || st.measured != 97 || st.skipped != 0 {
		t.Errorf("short: %+v, want truncated with 97 samples", st)
	}
	if st := states[runID{"broken", "idle"}]; st.failed != 1 || st.measured != 90 {
		t.Errorf("broken: %+v, want 1 failed block and 90 samples", st)
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "broken/2: boom") {
		t.Errorf("failures reported: %v", failed)
	}
}

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		done, total int
		elapsed     time.Duration
		want        string
	}{
		{0, 10, 0, "0/10 blocks (0%), 0s elapsed, about 0s left"},
		{5, 20, 10 * time.Second, "5/20 blocks (25%), 10s elapsed, about 30s left"},
		{20, 20, 40 * time.Second, "20/20 blocks done in 40s"},
		{0, 0, 0, "nothing to do"},
	} {
		if got := progressLine("main pass", tc.done, tc.total, tc.elapsed); !strings.Contains(got, tc.want) {
			t.Errorf("progressLine(%d, %d, %v) = %q, want it to contain %q", tc.done, tc.total, tc.elapsed, got, tc.want)
		}
	}
}

func TestClassifyStack(t *testing.T) {
	for _, tc := range []struct {
		funcs      []string
		kind, site string
	}{
		{[]string{"runtime.acquireSudog", "runtime.chanrecv", "github.com/roshambo-game/roshambo/input.(*Reader).sleep"}, "sudog", "runtime.acquireSudog"},
		{[]string{"runtime.newobject", "github.com/roshambo-game/roshambo/input.(*Reader).Next"}, "input", "github.com/roshambo-game/roshambo/input.(*Reader).Next"},
		{[]string{"runtime.makeslice", "github.com/roshambo-game/roshambo/input/ring.New"}, "input", "github.com/roshambo-game/roshambo/input/ring.New"},
		{[]string{"runtime.malg", "runtime.newproc1", "main.main"}, "other", "main.main"},
		{[]string{"runtime.allocm", "runtime.newm"}, "other", "runtime.allocm"},
		{[]string{"runtime.mallocgc", "runtime.newobject", "runtime.malg"}, "other", "runtime.malg"},
		{[]string{"github.com/roshambo-game/roshambo/inputx.F"}, "other", "github.com/roshambo-game/roshambo/inputx.F"},
		{nil, "other", "?"},
	} {
		if kind, site := classifyStack(tc.funcs); kind != tc.kind || site != tc.site {
			t.Errorf("classifyStack(%v) = %s %s, want %s %s", tc.funcs, kind, site, tc.kind, tc.site)
		}
	}
}
