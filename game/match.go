package game

import "fmt"

// Side names one of the two players of a Match: the Human (the local player,
// or the first player of a tournament pairing) and the Bot (the opponent).
type Side uint8

// The two sides of a match.
const (
	Human Side = iota
	Bot
)

// String returns "human" or "bot".
func (s Side) String() string {
	if s == Human {
		return "human"
	}
	return "bot"
}

// Other returns the opposite side.
func (s Side) Other() Side { return 1 - s }

// FormatKind says when a match ends.
type FormatKind uint8

// The match formats; see Format.
const (
	// KindEndless never ends by itself.
	KindEndless FormatKind = iota
	// KindBestOf plays at most N rounds (draws count as rounds) and ends as
	// soon as the leader cannot be caught in the rounds that remain.
	KindBestOf
	// KindFirstTo ends when one side has N wins; draws do not count.
	KindFirstTo
	// KindRounds plays exactly N rounds.
	KindRounds
)

// Format is a match's length rule. Build one with BestOf, FirstTo, Rounds or
// Endless.
type Format struct {
	Kind FormatKind // best-of, first-to, a fixed number of rounds, or endless
	N    int        // the rounds (best-of, rounds) or wins (first-to); 0 when endless
}

// BestOf returns a format of at most n rounds that ends early once the
// leader's margin exceeds the rounds left. n must be positive.
func BestOf(n int) Format { return Format{KindBestOf, n} }

// FirstTo returns a format that ends when a side reaches n wins.
func FirstTo(n int) Format { return Format{KindFirstTo, n} }

// Rounds returns a format of exactly n rounds (used by tournaments).
func Rounds(n int) Format { return Format{KindRounds, n} }

// Endless returns a format that never ends by itself.
func Endless() Format { return Format{KindEndless, 0} }

// String describes the format, e.g. "best of 5".
func (f Format) String() string {
	switch f.Kind {
	case KindBestOf:
		return fmt.Sprintf("best of %d", f.N)
	case KindFirstTo:
		return fmt.Sprintf("first to %d", f.N)
	case KindRounds:
		if f.N == 1 {
			return "1 round"
		}
		return fmt.Sprintf("%d rounds", f.N)
	}
	return "endless"
}

// Round is one played round. Outcome is from the Human side's view.
type Round struct {
	N       int     // 1-based round number
	Human   Move    // the human's (or first side's) move
	Bot     Move    // the bot's move
	Outcome Outcome // from the human's view
	// Forfeit is set when the round was lost by forfeit rather than by
	// the moves: the losing side broke its commitment (its move is the one
	// it revealed, which does not match what it committed to). Outcome
	// says who won.
	Forfeit bool
}

// Score counts the rounds of a match so far.
type Score struct {
	HumanWins int // rounds the human won
	BotWins   int // rounds the bot won
	Draws     int // drawn rounds
}

// Rounds returns the number of rounds played.
func (s Score) Rounds() int { return s.HumanWins + s.BotWins + s.Draws }

// Diff returns HumanWins - BotWins (the RoShamBo competition score).
func (s Score) Diff() int { return s.HumanWins - s.BotWins }

// Match is the state of one match: its format, every round played, and the
// running statistics. The zero value is not usable; call NewMatch. A Match is
// not safe for concurrent use.
type Match struct {
	format Format
	rounds []Round
	score  Score
	stats  Stats
}

// NewMatch starts an empty match with the given format.
func NewMatch(f Format) *Match {
	return &Match{format: f}
}

// Format returns the match's format.
func (m *Match) Format() Format { return m.format }

// Record adds a round in which the human threw human and the bot threw bot,
// and returns it. Both moves must be valid. Recording after Over is allowed
// (the caller decides whether to go on) and is counted like any other round.
func (m *Match) Record(human, bot Move) (Round, error) {
	if !human.Valid() || !bot.Valid() {
		return Round{}, fmt.Errorf("record round %d: invalid move (human %v, bot %v): %w",
			len(m.rounds)+1, human, bot, ErrBadMove)
	}
	return m.add(Round{N: len(m.rounds) + 1, Human: human, Bot: bot, Outcome: Judge(human, bot)}), nil
}

// RecordForfeit adds a round that loser forfeits, whatever the moves say: it
// broke its commitment. human and bot are the moves as thrown and revealed;
// both must be valid.
func (m *Match) RecordForfeit(loser Side, human, bot Move) (Round, error) {
	if !human.Valid() || !bot.Valid() {
		return Round{}, fmt.Errorf("record round %d: invalid move (human %v, bot %v): %w",
			len(m.rounds)+1, human, bot, ErrBadMove)
	}
	out := Win
	if loser == Human {
		out = Loss
	}
	return m.add(Round{N: len(m.rounds) + 1, Human: human, Bot: bot, Outcome: out, Forfeit: true}), nil
}

func (m *Match) add(r Round) Round {
	m.rounds = append(m.rounds, r)
	switch r.Outcome {
	case Win:
		m.score.HumanWins++
	case Loss:
		m.score.BotWins++
	default:
		m.score.Draws++
	}
	m.stats.add(r)
	return r
}

// Clone returns an independent copy of the match: recording into one does
// not change the other.
func (m *Match) Clone() *Match {
	c := *m
	c.rounds = append(make([]Round, 0, len(m.rounds)+1), m.rounds...)
	return &c
}

// Played returns the number of rounds recorded.
func (m *Match) Played() int { return len(m.rounds) }

// Score returns the current score.
func (m *Match) Score() Score { return m.score }

// History returns a copy of the rounds played, oldest first.
func (m *Match) History() []Round { return append([]Round(nil), m.rounds...) }

// Recent appends the last n rounds played (fewer if fewer were), oldest
// first, to dst and returns it: a view of the end of the match that costs
// the same however long the match is.
func (m *Match) Recent(dst []Round, n int) []Round {
	return append(dst, m.rounds[max(0, len(m.rounds)-n):]...)
}

// Last returns the most recent round and true, or false before the first.
func (m *Match) Last() (Round, bool) {
	if len(m.rounds) == 0 {
		return Round{}, false
	}
	return m.rounds[len(m.rounds)-1], true
}

// Stats returns the match statistics. The returned value is a snapshot copy.
func (m *Match) Stats() Stats { return m.stats }

// Over reports whether the match has ended under its format.
func (m *Match) Over() bool {
	s, n := m.score, m.format.N
	switch m.format.Kind {
	case KindFirstTo:
		return s.HumanWins >= n || s.BotWins >= n
	case KindRounds:
		return s.Rounds() >= n
	case KindBestOf:
		left := n - s.Rounds()
		if left <= 0 {
			return true
		}
		d := s.Diff()
		if d < 0 {
			d = -d
		}
		return d > left
	}
	return false
}

// Result returns the match result from the human's view: Win or Loss when one
// side has more wins, Draw when they are level.
func (m *Match) Result() Outcome {
	switch d := m.score.Diff(); {
	case d > 0:
		return Win
	case d < 0:
		return Loss
	}
	return Draw
}
