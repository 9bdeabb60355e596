package game

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// said is one message a side sends the referee.
type said struct {
	from Side
	msg  Message
}

func mv(m Move) Message               { return Message{Kind: MsgMove, Move: m} }
func commit(m Move, n string) Message { return Message{Kind: MsgCommit, Hash: Commitment(m, n)} }
func reveal(r int, m Move, n string) Message {
	return Message{Kind: MsgReveal, Round: r, Move: m, Nonce: n}
}

// envs formats the envelopes of a step as "human: opponent 1 rock; ...".
func envs(st Step) string {
	var b []string
	for _, e := range st.Send {
		b = append(b, e.To.String()+": "+e.Msg.String())
	}
	return strings.Join(b, "; ")
}

// TestRefereeOrder plays one round in each mode and checks, step by step,
// what the referee sends to whom and when the round is recorded.
func TestRefereeOrder(t *testing.T) {
	tests := []struct {
		name  string
		rules Rules
		steps []said
		sends []string // after each step
		want  Round
	}{
		{
			name:  "plain, human first",
			steps: []said{{Human, mv(Paper)}, {Bot, mv(Rock)}},
			sends: []string{"", "human: opponent 1 rock; bot: opponent 1 paper"},
			want:  Round{N: 1, Human: Paper, Bot: Rock, Outcome: Win},
		},
		{
			name:  "plain, bot first",
			steps: []said{{Bot, mv(Rock)}, {Human, mv(Scissors)}},
			sends: []string{"", "human: opponent 1 rock; bot: opponent 1 scissors"},
			want:  Round{N: 1, Human: Scissors, Bot: Rock, Outcome: Loss},
		},
		{
			name:  "bot commits: it learns the human's move, reveals, then the human learns",
			rules: Rules{MustCommit: [2]bool{Bot: true}},
			steps: []said{{Bot, commit(Paper, "x1")}, {Human, mv(Rock)}, {Bot, reveal(1, Paper, "x1")}},
			sends: []string{"", "bot: opponent 1 rock", "human: opponent 1 paper"},
			want:  Round{N: 1, Human: Rock, Bot: Paper, Outcome: Loss},
		},
		{
			name:  "human commits",
			steps: []said{{Human, commit(Rock, "n")}, {Bot, mv(Scissors)}, {Human, reveal(1, Rock, "n")}},
			sends: []string{"", "human: opponent 1 scissors", "bot: opponent 1 rock"},
			want:  Round{N: 1, Human: Rock, Bot: Scissors, Outcome: Win},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMatch(Endless())
			r := NewReferee(m, tt.rules)
			st, err := r.Start()
			if err != nil || envs(st) != "human: round 1; bot: round 1" {
				t.Fatalf("Start = %q, %v", envs(st), err)
			}
			for i, s := range tt.steps {
				if !r.Awaits(s.from) {
					t.Fatalf("step %d: the referee does not await the %s", i, s.from)
				}
				st, err = r.Receive(s.from, s.msg)
				if err != nil {
					t.Fatalf("step %d (%s: %s): %v", i, s.from, s.msg, err)
				}
				if got := envs(st); got != tt.sends[i] {
					t.Errorf("step %d (%s: %s): sends %q, want %q", i, s.from, s.msg, got, tt.sends[i])
				}
				if last := i == len(tt.steps)-1; st.Done != last {
					t.Errorf("step %d: Done %v", i, st.Done)
				}
			}
			if st.Round != tt.want || m.Played() != 1 {
				t.Errorf("round %+v (played %d), want %+v", st.Round, m.Played(), tt.want)
			}
			if r.InRound() || r.Awaits(Human) || r.Awaits(Bot) {
				t.Error("the referee still awaits something after the round")
			}
			if st, err := r.Start(); err != nil || envs(st) != "human: round 2; bot: round 2" {
				t.Errorf("next Start = %q, %v", envs(st), err)
			}
		})
	}
}

// TestRefereeFaults: every message the protocol does not allow at that point
// is an *OpponentError naming the side, and the referee stays finished.
func TestRefereeFaults(t *testing.T) {
	commitBot := Rules{MustCommit: [2]bool{Bot: true}}
	tests := []struct {
		name   string
		rules  Rules
		steps  []said // the last one is the fault
		want   error
		side   Side
		detail string
		played int
	}{
		{"plain answer in commit mode", commitBot, []said{{Bot, mv(Rock)}}, ErrMalformed, Bot, `want a commitment (commit mode), got "rock"`, 0},
		{"reveal as an answer", Rules{}, []said{{Bot, reveal(1, Rock, "n")}}, ErrMalformed, Bot, "want a move or a commitment", 0},
		{"answer twice", Rules{}, []said{{Bot, mv(Rock)}, {Bot, mv(Paper)}}, ErrMalformed, Bot, `unsolicited line "paper" after its answer`, 0},
		{"reveal before being told", commitBot, []said{{Bot, commit(Rock, "n")}, {Bot, reveal(1, Rock, "n")}}, ErrMalformed, Bot, "unsolicited", 0},
		{"reveal of another round", commitBot, []said{{Bot, commit(Rock, "n")}, {Human, mv(Paper)}, {Bot, reveal(2, Rock, "n")}}, ErrMalformed, Bot, `want "reveal 1 <move> <nonce>"`, 0},
		{"broken commitment forfeits", commitBot, []said{{Bot, commit(Rock, "n")}, {Human, mv(Paper)}, {Bot, reveal(1, Scissors, "n")}}, ErrCommitMismatch, Bot, `revealed "reveal 1 scissors n"`, 1},
		{"a move from the human side in plain", Rules{MustCommit: [2]bool{Human: true}}, []said{{Human, mv(Rock)}}, ErrMalformed, Human, "want a commitment", 0},
		{"both commit", Rules{}, []said{{Bot, commit(Rock, "n")}, {Human, commit(Rock, "m")}}, ErrBothCommit, Human, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMatch(Endless())
			r := NewReferee(m, tt.rules)
			if _, err := r.Start(); err != nil {
				t.Fatal(err)
			}
			var err error
			for i, s := range tt.steps {
				_, err = r.Receive(s.from, s.msg)
				if i < len(tt.steps)-1 && err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if tt.detail != "" {
				var oe *OpponentError
				if !errors.As(err, &oe) || oe.Side != tt.side || oe.Round != 1 || !strings.Contains(oe.Detail, tt.detail) {
					t.Errorf("error %#v, want side %s, round 1, detail with %q", oe, tt.side, tt.detail)
				}
			}
			if m.Played() != tt.played {
				t.Errorf("played %d, want %d", m.Played(), tt.played)
			}
			if tt.want == ErrCommitMismatch {
				if rd, _ := m.Last(); !rd.Forfeit || rd.Outcome != Win || rd.Human != Paper || rd.Bot != Scissors {
					t.Errorf("forfeit round %+v", rd)
				}
			}
			// Finished: the same error from now on.
			if _, err2 := r.Start(); err2 != err {
				t.Errorf("Start after the fault: %v", err2)
			}
			if _, err2 := r.Receive(Bot, mv(Rock)); err2 != err {
				t.Errorf("Receive after the fault: %v", err2)
			}
			if r.Awaits(Human) || r.Awaits(Bot) {
				t.Error("a finished referee awaits a side")
			}
		})
	}
}

func TestRefereeUnasked(t *testing.T) {
	r := NewReferee(NewMatch(Endless()), Rules{})
	_, err := r.Receive(Bot, mv(Rock))
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), `unsolicited line "rock" before round 1 was asked`) {
		t.Errorf("a move before the first round: %v", err)
	}
	r = NewReferee(NewMatch(Endless()), Rules{})
	r.Start()
	if _, err := r.Start(); err == nil {
		t.Error("Start during a round succeeded")
	}
}

// FuzzReferee feeds the referee arbitrary sequences of messages from both
// sides and checks its promises: it never panics; no side is told the
// other's move before it has answered; a committed move is known only after
// a reveal that opens the commitment; a recorded round holds the moves both
// sides stand by; and after an error nothing more happens.
func FuzzReferee(f *testing.F) {
	f.Add([]byte{0, 1, 10, 2, 12})
	f.Add([]byte{1, 5, 0, 1, 1, 9, 3, 0, 2})
	f.Add([]byte{3, 3, 3, 3, 3, 3})
	f.Add([]byte{1, 4, 0, 0, 1, 7, 1, 8})
	f.Fuzz(func(t *testing.T, data []byte) {
		m := NewMatch(Endless())
		r := NewReferee(m, Rules{MustCommit: [2]bool{Bot: len(data) > 0 && data[0]&0x80 != 0}})
		var told [2]bool // told the other's move this round
		var answered [2]bool
		var committed [2]Move // the move behind a commitment (from the choice table)
		start := func() {
			if _, err := r.Start(); err != nil {
				t.Fatalf("Start: %v", err)
			}
			told, answered, committed = [2]bool{}, [2]bool{}, [2]Move{}
		}
		start()
		for _, b := range data {
			s := Side(b & 1)
			move := Moves[(b>>1)%3]
			var msg Message
			switch (b >> 3) % 5 {
			case 0, 1:
				msg = mv(move)
			case 2:
				msg = commit(move, "k")
			case 3:
				msg = reveal(r.Round(), move, "k") // may or may not open the commitment
			case 4:
				msg = reveal(r.Round()+1, move, "k")
			}
			awaited := r.Awaits(s)
			st, err := r.Receive(s, msg)
			if err != nil {
				if r.Awaits(Human) || r.Awaits(Bot) {
					t.Fatal("awaits after an error")
				}
				if _, err2 := r.Receive(s, msg); err2 != err {
					t.Fatalf("not finished after %v: %v", err, err2)
				}
				return
			}
			if !awaited {
				t.Fatalf("accepted %s from the %s, which it did not await", msg, s)
			}
			if !answered[s] {
				answered[s] = true
				if msg.Kind == MsgCommit {
					committed[s] = move
				}
			}
			for _, e := range st.Send {
				if e.Msg.Kind != MsgOpponent {
					t.Fatalf("sent %s mid-round", e.Msg)
				}
				if !answered[e.To] || told[e.To] {
					t.Fatalf("told the %s %s before it answered, or twice", e.To, e.Msg)
				}
				told[e.To] = true
				if c := committed[e.To.Other()]; c != NoMove && e.Msg.Move != c {
					t.Fatalf("told the %s a move (%s) its opponent did not commit to (%s)", e.To, e.Msg.Move, c)
				}
			}
			if st.Done {
				rd := st.Round
				if !told[Human] || !told[Bot] || rd.N != m.Played() {
					t.Fatalf("round %+v recorded before both sides were told", rd)
				}
				for _, side := range []Side{Human, Bot} {
					got := rd.Human
					if side == Bot {
						got = rd.Bot
					}
					if c := committed[side]; c != NoMove && got != c {
						t.Fatalf("recorded %s for the %s, which committed to %s", got, side, c)
					}
				}
				start()
			}
		}
		_ = fmt.Sprint(m.Score())
	})
}
