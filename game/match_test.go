package game

import (
	"errors"
	"strings"
	"testing"
)

// seq turns "rp sr ..." (human move letter, bot move letter) into rounds.
func seq(t *testing.T, s string) [][2]Move {
	t.Helper()
	var out [][2]Move
	for _, f := range strings.Fields(s) {
		h, err1 := ParseMove(f[:1])
		b, err2 := ParseMove(f[1:])
		if err1 != nil || err2 != nil {
			t.Fatalf("bad round %q", f)
		}
		out = append(out, [2]Move{h, b})
	}
	return out
}

func TestMatchFormats(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		rounds string
		overAt int // 1-based round after which Over becomes true; 0 = never
		result Outcome
		hw, bw int
		draws  int
	}{
		{"best of 3, 2-0", BestOf(3), "rs rs", 2, Win, 2, 0, 0},
		{"best of 3, draws count", BestOf(3), "rr pp ss", 3, Draw, 0, 0, 3},
		{"best of 3, comeback", BestOf(3), "rp sp rs", 3, Win, 2, 1, 0},
		{"best of 5, early end", BestOf(5), "rs rs rs", 3, Win, 3, 0, 0},
		{"best of 5, bot", BestOf(5), "rp rr rp rp", 4, Loss, 0, 3, 1},
		{"first to 2, draws don't count", FirstTo(2), "rr rr rs pp pr", 5, Win, 2, 0, 3},
		{"first to 1, bot", FirstTo(1), "sr", 1, Loss, 0, 1, 0},
		{"rounds 4", Rounds(4), "rs rs rs rs", 4, Win, 4, 0, 0},
		{"endless", Endless(), "rs rp rr rs rs rs rs", 0, Win, 5, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMatch(tt.format)
			if m.Over() {
				t.Fatal("over before the first round")
			}
			for i, r := range seq(t, tt.rounds) {
				got, err := m.Record(r[0], r[1])
				if err != nil {
					t.Fatal(err)
				}
				if got.N != i+1 || got.Outcome != Judge(r[0], r[1]) {
					t.Fatalf("round %d recorded as %+v", i+1, got)
				}
				over := tt.overAt != 0 && i+1 >= tt.overAt
				if m.Over() != over {
					t.Fatalf("after round %d: Over() = %v, want %v", i+1, m.Over(), over)
				}
			}
			s := m.Score()
			if s.HumanWins != tt.hw || s.BotWins != tt.bw || s.Draws != tt.draws || m.Result() != tt.result {
				t.Errorf("score %+v result %v; want %d-%d-%d %v", s, m.Result(), tt.hw, tt.bw, tt.draws, tt.result)
			}
			if len(m.History()) != m.Played() || s.Rounds() != m.Played() {
				t.Errorf("history %d, played %d, score rounds %d", len(m.History()), m.Played(), s.Rounds())
			}
		})
	}
}

func TestMatchRejectsInvalidMoves(t *testing.T) {
	m := NewMatch(Endless())
	if _, err := m.Record(NoMove, Rock); !errors.Is(err, ErrBadMove) {
		t.Errorf("Record(NoMove, Rock) error = %v", err)
	}
	if m.Played() != 0 {
		t.Errorf("an invalid round was recorded")
	}
	if _, ok := m.Last(); ok {
		t.Error("Last on an empty match")
	}
}

func TestStats(t *testing.T) {
	m := NewMatch(Endless())
	// human: win, win, loss, draw, win, loss, loss, loss
	for _, r := range seq(t, "rs pr rp ss rs sr rp ps") {
		if _, err := m.Record(r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	st := m.Stats()
	h, b := st.Human, st.Bot
	if h.Wins != 3 || h.Losses != 4 || h.Draws != 1 || b.Wins != 4 || b.Losses != 3 {
		t.Errorf("wins/losses: human %+v bot %+v", h, b)
	}
	if st.Streak != (Streak{Loss, 3}) {
		t.Errorf("current streak %+v, want 3 losses", st.Streak)
	}
	if h.LongestWinStreak != 2 || h.LongestLossStreak != 3 || b.LongestWinStreak != 3 || b.LongestLossStreak != 2 {
		t.Errorf("longest streaks: human %d/%d bot %d/%d", h.LongestWinStreak, h.LongestLossStreak, b.LongestWinStreak, b.LongestLossStreak)
	}
	if h.Count(Rock) != 4 || h.Count(Paper) != 2 || h.Count(Scissors) != 2 || h.Frequency(Rock) != 0.5 {
		t.Errorf("human counts r%d p%d s%d", h.Count(Rock), h.Count(Paper), h.Count(Scissors))
	}
	// After the human's losses (rounds 3, 6, 7) they played s, r, p; after
	// the wins (rounds 1, 2, 5) p, r, s; after the draw (round 4) r.
	for _, c := range []struct {
		o     Outcome
		m     Move
		count int
		total int
	}{{Loss, Scissors, 1, 3}, {Loss, Rock, 1, 3}, {Loss, Paper, 1, 3}, {Win, Paper, 1, 3}, {Win, Rock, 1, 3}, {Draw, Rock, 1, 1}} {
		if n, tot := h.After(c.o, c.m); n != c.count || tot != c.total {
			t.Errorf("human After(%v, %v) = %d of %d, want %d of %d", c.o, c.m, n, tot, c.count, c.total)
		}
	}
	if n, tot := h.Repeats(Win); n != 0 || tot != 3 {
		t.Errorf("human repeats after win = %d of %d", n, tot)
	}
	if st.Side(Bot).Wins != 4 {
		t.Error("Side(Bot) is not the bot")
	}
}

func TestInsights(t *testing.T) {
	m := NewMatch(Endless())
	// The human plays paper after every loss, and rock otherwise.
	bot := []Move{Paper, Scissors, Rock}
	h := Rock
	for i := 0; i < 30; i++ {
		r, _ := m.Record(h, bot[i%3])
		if r.Outcome == Loss {
			h = Paper
		} else {
			h = Rock
		}
	}
	st := m.Stats()
	ins := st.Insights(Human, 5)
	var texts []string
	for _, in := range ins {
		texts = append(texts, in.Text)
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "after a loss you play paper 100% of the time") {
		t.Errorf("insights do not report paper after a loss:\n%s", all)
	}
	for _, in := range ins {
		if in.Samples < 5 || in.Count > in.Samples || in.Share <= 0.4 {
			t.Errorf("implausible insight %+v", in)
		}
	}
	if got := st.Insights(Bot, 5); len(got) != 0 && !strings.Contains(got[0].Text, "the bot") {
		t.Errorf("bot insight does not name the bot: %q", got[0].Text)
	}
	if got := st.Insights(Human, 1000); len(got) != 0 {
		t.Errorf("insights with too few samples: %v", got)
	}
}

// TestInsightsNeedEvidence: a share that chance explains is no finding.
func TestInsightsNeedEvidence(t *testing.T) {
	tests := []struct {
		name  string
		human []Move
		want  string // "" for no finding about the favourite move
	}{
		{"2 of 4", []Move{Rock, Paper, Rock, Scissors}, ""},
		{"3 of 6", []Move{Rock, Paper, Rock, Scissors, Rock, Paper}, ""},
		{"4 of 4", []Move{Rock, Rock, Rock, Rock}, "you play rock 100% of the time (4 of 4)"},
		{"8 of 12", []Move{Rock, Paper, Rock, Scissors, Rock, Rock, Paper, Rock, Rock, Scissors, Rock, Rock}, "you play rock 67% of the time (8 of 12)"},
	}
	for _, tt := range tests {
		m := NewMatch(Endless())
		for _, h := range tt.human {
			m.Record(h, Rock)
		}
		st := m.Stats()
		got := ""
		for _, in := range st.Insights(Human, 4) {
			if strings.HasPrefix(in.Text, "you play") {
				got = in.Text
			}
		}
		if got != tt.want {
			t.Errorf("%s: favourite-move finding %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestMatchCloneAndRecent(t *testing.T) {
	m := NewMatch(BestOf(5))
	m.Record(Rock, Scissors)
	m.Record(Paper, Paper)
	c := m.Clone()
	c.Record(Scissors, Rock)
	if m.Played() != 2 || c.Played() != 3 || m.Score() == c.Score() {
		t.Fatalf("the clone is not independent: %d/%d rounds, %+v/%+v", m.Played(), c.Played(), m.Score(), c.Score())
	}
	if m.Stats().Rounds != 2 || c.Stats().Rounds != 3 {
		t.Errorf("stats not independent: %d, %d", m.Stats().Rounds, c.Stats().Rounds)
	}
	m.Record(Rock, Rock)
	if r, _ := c.Last(); r.Human != Scissors {
		t.Errorf("recording into the original changed the clone's last round: %+v", r)
	}
	if got := c.Recent(nil, 2); len(got) != 2 || got[0].N != 2 || got[1].N != 3 {
		t.Errorf("Recent(2) = %+v", got)
	}
	if got := c.Recent(nil, 10); len(got) != 3 {
		t.Errorf("Recent(10) of 3 rounds = %+v", got)
	}
}
