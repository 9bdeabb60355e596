package game

import (
	"fmt"
	"math"
	"sort"
)

// Streak is a run of equal outcomes at the end of the history, from the
// human's view (Len 0 before the first round).
type Streak struct {
	Outcome Outcome // the repeated outcome
	Len     int     // how many rounds in a row
}

// SideStats is one side's part of Stats. Outcomes are from that side's view.
type SideStats struct {
	Wins, Draws, Losses int // rounds won, drawn and lost
	// LongestWinStreak and LongestLossStreak are the longest runs of wins
	// and of losses so far.
	LongestWinStreak, LongestLossStreak int
	freq                                [3]int
	after                               [3][3]int // [previous outcome][move played next]
	repeat                              [3]int    // [previous outcome] times the same move was thrown again
}

// Count returns how many times the side threw m.
func (s SideStats) Count(m Move) int {
	if !m.Valid() {
		return 0
	}
	return s.freq[m.idx()]
}

// Frequency returns the share (0..1) of rounds in which the side threw m, or
// 0 before the first round.
func (s SideStats) Frequency(m Move) float64 {
	t := s.Wins + s.Draws + s.Losses
	if t == 0 {
		return 0
	}
	return float64(s.Count(m)) / float64(t)
}

// After returns how many times the side threw m in the round right after a
// round that ended with outcome o (from this side's view), and how many
// rounds followed such an outcome in all.
func (s SideStats) After(o Outcome, m Move) (count, total int) {
	if o < Loss || o > Win {
		return 0, 0
	}
	row := s.after[o.idx()]
	total = row[0] + row[1] + row[2]
	if m.Valid() {
		count = row[m.idx()]
	}
	return count, total
}

// Repeats returns how many times the side threw the same move again right
// after a round that ended with outcome o, and how many rounds followed such
// an outcome in all.
func (s SideStats) Repeats(o Outcome) (count, total int) {
	if o < Loss || o > Win {
		return 0, 0
	}
	_, total = s.After(o, NoMove)
	return s.repeat[o.idx()], total
}

// Stats are a match's running statistics. They are updated incrementally by
// Match.Record (constant time per round). Stats is a value type: copies are
// independent snapshots.
type Stats struct {
	Rounds int       // rounds played
	Human  SideStats // the human's side
	Bot    SideStats // the bot's side
	// Streak is the current run from the human's view.
	Streak Streak
	last   Round
}

// Side returns the statistics of one side.
func (st *Stats) Side(s Side) SideStats {
	if s == Human {
		return st.Human
	}
	return st.Bot
}

func (st *Stats) add(r Round) {
	sides := [2]*SideStats{&st.Human, &st.Bot}
	moves := [2]Move{r.Human, r.Bot}
	outs := [2]Outcome{r.Outcome, r.Outcome.Reverse()}
	if r.Outcome == st.Streak.Outcome && st.Streak.Len > 0 {
		st.Streak.Len++
	} else {
		st.Streak = Streak{r.Outcome, 1}
	}
	prevOuts := [2]Outcome{st.last.Outcome, st.last.Outcome.Reverse()}
	prevMoves := [2]Move{st.last.Human, st.last.Bot}
	for i, s := range sides {
		s.freq[moves[i].idx()]++
		switch outs[i] {
		case Win:
			s.Wins++
		case Loss:
			s.Losses++
		default:
			s.Draws++
		}
		if st.Rounds > 0 {
			s.after[prevOuts[i].idx()][moves[i].idx()]++
			if prevMoves[i] == moves[i] {
				s.repeat[prevOuts[i].idx()]++
			}
		}
	}
	switch {
	case st.Streak.Outcome == Win:
		st.Human.LongestWinStreak = max(st.Human.LongestWinStreak, st.Streak.Len)
		st.Bot.LongestLossStreak = max(st.Bot.LongestLossStreak, st.Streak.Len)
	case st.Streak.Outcome == Loss:
		st.Human.LongestLossStreak = max(st.Human.LongestLossStreak, st.Streak.Len)
		st.Bot.LongestWinStreak = max(st.Bot.LongestWinStreak, st.Streak.Len)
	}
	st.Rounds++
	st.last = r
}

// Insight is one human-readable finding about a side's habits, such as
// "after a loss you switch to paper 61% of the time (11 of 18)".
type Insight struct {
	Text    string  // the finding in words, e.g. "you play rock 60% of the time (12 of 20)"
	Share   float64 // the share behind the finding, 0..1
	Count   int     // rounds that show the habit
	Samples int     // rounds the share is taken over
}

// Insights describes the habits that stand out in one side's play: its
// favourite move, and what it tends to throw (or whether it stays or
// switches) after a win, a draw and a loss. A habit is reported only when at
// least minSamples rounds back it and its share is clearly above chance: at
// least 45% for a move (55% for keeping the same move, 85% for switching)
// and above chance by a one-sided binomial test at about the 5% level, so
// that 2 rock in 4 rounds is not a finding but 8 in 12 is. The
// text addresses the side as "you" when side is Human and as "the bot"
// otherwise. Findings are sorted by how far they are from chance, strongest
// first.
func (st *Stats) Insights(side Side, minSamples int) []Insight {
	if minSamples < 1 {
		minSamples = 1
	}
	ss := st.Side(side)
	who, verb := "you", func(v string) string { return v }
	if side == Bot {
		who = "the bot"
		verb = func(v string) string {
			if v[len(v)-1] == 'h' {
				return v + "es"
			}
			return v + "s"
		}
	}
	type cand struct {
		in   Insight
		lift float64
	}
	var cands []cand
	addMove := func(prefix string, counts [3]int) {
		total := counts[0] + counts[1] + counts[2]
		if total < minSamples {
			return
		}
		best := 0
		for i := 1; i < 3; i++ {
			if counts[i] > counts[best] {
				best = i
			}
		}
		share := float64(counts[best]) / float64(total)
		if share < 0.45 || !aboveChance(counts[best], total, 1.0/3) {
			return
		}
		cands = append(cands, cand{Insight{
			Text:    fmt.Sprintf("%s%s %s %.0f%% of the time (%d of %d)", prefix, who, verb("play")+" "+moveOf(best).String(), 100*share, counts[best], total),
			Share:   share,
			Count:   counts[best],
			Samples: total,
		}, share - 1.0/3})
	}
	addMove("", ss.freq)
	names := [3]string{"a loss", "a draw", "a win"}
	for oi := 2; oi >= 0; oi-- {
		o := Outcome(oi - 1)
		addMove("after "+names[oi]+" ", ss.after[oi])
		rep, total := ss.Repeats(o)
		if total < minSamples {
			continue
		}
		share := float64(rep) / float64(total)
		switch {
		case share >= 0.55 && aboveChance(rep, total, 1.0/3):
			cands = append(cands, cand{Insight{
				Text:  fmt.Sprintf("after %s %s %s the same move %.0f%% of the time (%d of %d)", names[oi], who, verb("keep"), 100*share, rep, total),
				Share: share, Count: rep, Samples: total,
			}, share - 1.0/3})
		case share <= 0.15 && aboveChance(total-rep, total, 2.0/3):
			sw := total - rep
			cands = append(cands, cand{Insight{
				Text:  fmt.Sprintf("after %s %s %s to another move %.0f%% of the time (%d of %d)", names[oi], who, verb("switch"), 100*(1-share), sw, total),
				Share: 1 - share, Count: sw, Samples: total,
			}, 1.0/3 - share})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].lift > cands[j].lift })
	out := make([]Insight, len(cands))
	for i, c := range cands {
		out[i] = c.in
	}
	return out
}

// aboveChance reports whether k successes in n trials are more than chance
// p would give, by a one-sided binomial test (normal approximation, z of
// 1.645: about the 5% level).
func aboveChance(k, n int, p float64) bool {
	if n == 0 {
		return false
	}
	z := (float64(k) - float64(n)*p) / math.Sqrt(float64(n)*p*(1-p))
	return z >= 1.645
}
