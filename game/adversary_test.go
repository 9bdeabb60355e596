package game

import "math/rand/v2"

// Adversaries that are not built-ins, so that the default strategy is not
// tuned to the built-in set alone.

// counterLast throws the move that beats the opponent's previous move.
type counterLast struct{ last Move }

func (*counterLast) Name() string { return "counter-last" }
func (s *counterLast) Next() Move {
	if s.last == NoMove {
		return Rock
	}
	return s.last.Beater()
}
func (s *counterLast) Update(_, theirs Move) { s.last = theirs }

// doubleCounter throws the move that beats the move that beats the
// opponent's previous move (it expects to be countered).
type doubleCounter struct{ counterLast }

func (*doubleCounter) Name() string { return "double-counter" }
func (s *doubleCounter) Next() Move { return s.counterLast.Next().Beater() }

// antiFreqWindow beats the opponent's most frequent move over the last 20.
type antiFreqWindow struct{ h []Move }

func (*antiFreqWindow) Name() string { return "anti-freq-20" }
func (s *antiFreqWindow) Next() Move {
	var c [3]int
	for _, m := range s.h[max(0, len(s.h)-20):] {
		c[m.idx()]++
	}
	b := 0
	for i := range c {
		if c[i] > c[b] {
			b = i
		}
	}
	return moveOf(b).Beater()
}
func (s *antiFreqWindow) Update(_, theirs Move) { s.h = append(s.h, theirs) }

// pattern plays a fixed sequence over and over.
type pattern struct {
	seq []Move
	n   int
}

func (*pattern) Name() string       { return "pattern" }
func (s *pattern) Next() Move       { return s.seq[s.n%len(s.seq)] }
func (s *pattern) Update(_, _ Move) { s.n++ }

// winStayLoseShift keeps a winning move and moves on to the next after a
// loss or draw, like many people do.
type winStayLoseShift struct{ m Move }

func (*winStayLoseShift) Name() string { return "win-stay-lose-shift" }
func (s *winStayLoseShift) Next() Move {
	if s.m == NoMove {
		s.m = Rock
	}
	return s.m
}
func (s *winStayLoseShift) Update(mine, theirs Move) {
	if Judge(mine, theirs) != Win {
		s.m = mine.Beater()
	}
}

// biased throws rock half of the time and paper or scissors otherwise.
type biased struct{ rng *rand.Rand }

func (*biased) Name() string { return "biased-random" }
func (s *biased) Next() Move {
	if s.rng.IntN(2) == 0 {
		return Rock
	}
	return moveOf(1 + s.rng.IntN(2))
}
func (*biased) Update(_, _ Move) {}

// phaseShifter plays the counter of the opponent's previous move for 50
// rounds, then the counter of that counter for 50, and so on.
type phaseShifter struct {
	counterLast
	n int
}

func (*phaseShifter) Name() string { return "phase-shifter" }
func (s *phaseShifter) Next() Move {
	m := s.counterLast.Next()
	for i := 0; i < (s.n/50)%3; i++ {
		m = m.Beater()
	}
	return m
}
func (s *phaseShifter) Update(mine, theirs Move) { s.counterLast.Update(mine, theirs); s.n++ }
