package game_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/roshambo-game/roshambo/game"
)

func ExampleMatch() {
	m := game.NewMatch(game.BestOf(3))
	for _, r := range [][2]game.Move{{game.Rock, game.Scissors}, {game.Paper, game.Paper}, {game.Scissors, game.Paper}} {
		round, _ := m.Record(r[0], r[1])
		fmt.Printf("round %d: %v vs %v: %v\n", round.N, round.Human, round.Bot, round.Outcome)
	}
	fmt.Println("over:", m.Over(), "score:", m.Score().HumanWins, "-", m.Score().BotWins, "result:", m.Result())
	// Output:
	// round 1: rock vs scissors: win
	// round 2: paper vs paper: draw
	// round 3: scissors vs paper: win
	// over: true score: 2 - 0 result: win
}

func ExampleStats_Insights() {
	m := game.NewMatch(game.Endless())
	// The human always answers a loss with paper, otherwise plays rock.
	h := game.Rock
	bot := []game.Move{game.Paper, game.Scissors, game.Rock}
	for i := 0; i < 30; i++ {
		r, _ := m.Record(h, bot[i%3])
		h = game.Rock
		if r.Outcome == game.Loss {
			h = game.Paper
		}
	}
	st := m.Stats()
	for _, in := range st.Insights(game.Human, 5) {
		fmt.Println(in.Text)
	}
	// Output:
	// after a win you play rock 100% of the time (9 of 9)
	// after a loss you play paper 100% of the time (20 of 20)
	// you play paper 67% of the time (20 of 30)
	// after a win you switch to another move 100% of the time (9 of 9)
}

func ExampleNewStrategy() {
	s, err := game.NewStrategy(game.DefaultStrategy, 42)
	if err != nil {
		log.Fatal(err)
	}
	cycle, _ := game.NewStrategy("cycle", 0)
	score := 0
	for i := 0; i < 100; i++ {
		a, b := s.Next(), cycle.Next()
		score += int(game.Judge(a, b))
		s.Update(a, b)
		cycle.Update(b, a)
	}
	fmt.Println(s.Name(), "beats cycle:", score > 80)
	// Output: expert beats cycle: true
}

func ExampleParseMessage() {
	for _, line := range []string{"round 3", "opponent 3 paper", "commit 5d21695c6d43f7bf712cd12e9817410673f15e840bbd5b0200a5f6dc716741da", "reveal 3 rock c0ffee0ddba11"} {
		msg, err := game.ParseMessage(line)
		fmt.Println(msg.Kind == game.MsgReveal, msg.Round, msg.Move, err)
	}
	fmt.Println(game.Commitment(game.Rock, "c0ffee0ddba11")[:16])
	// Output:
	// false 3 none <nil>
	// false 3 paper <nil>
	// false 0 none <nil>
	// true 3 rock <nil>
	// 5d21695c6d43f7bf
}

func ExampleServeBot() {
	s, _ := game.NewStrategy("scissors", 0)
	var out strings.Builder
	in := strings.NewReader("round 1\nopponent 1 rock\nround 2\nquit\n")
	if err := game.ServeBot(in, &out, s, game.ServeOptions{}); err != nil {
		log.Fatal(err)
	}
	fmt.Print(out.String())
	// Output:
	// scissors
	// scissors
}

// A match against an opponent process in commit mode, driven by Play: the
// bot commits, the human side's move is sent, the bot reveals, and the
// Referee checks the reveal against the commitment.
func ExampleStartOpponent() {
	ctx := context.Background()
	op, err := game.StartOpponent(ctx, []string{"roshambo-bot", "--commit"}, game.OpponentOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer op.Close()
	rock, _ := game.NewStrategy("rock", 0) // the human side
	m := game.NewMatch(game.FirstTo(3))
	rules := game.Rules{MustCommit: [2]bool{game.Bot: true}}
	if err := game.PlayOpponent(ctx, rock, op, m, rules); err != nil {
		log.Print(err) // errors.Is(err, game.ErrCommitMismatch), ...
	}
	fmt.Println(m.Score())
}
