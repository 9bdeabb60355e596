package game_test

import (
	"fmt"
	"log"

	"github.com/roshambo-game/roshambo/game"
)

func ExampleNewLevelStrategy() {
	level, err := game.ParseLevel("hard")
	if err != nil {
		log.Fatal(err)
	}
	bot, err := game.NewLevelStrategy(level, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(level, "plays", bot.Name())
	for _, l := range game.Levels() {
		fmt.Printf("%-6s %s\n", l.Name, l.Strategy)
	}
	fmt.Println("the game's default:", game.DefaultLevel, "- the bot program's:", game.DefaultStrategy)
	// Output:
	// hard plays iocaine
	// easy   careless
	// medium habits
	// hard   iocaine
	// expert expert
	// the game's default: medium - the bot program's: expert
}

// After each round, a strategy that implements Explainer says what it
// expected and which predictor it followed.
func ExampleExplainer() {
	bot, _ := game.NewLevelStrategy(game.LevelExpert, 7)
	ex, ok := bot.(game.Explainer)
	if !ok {
		log.Fatal("the expert explains its moves")
	}
	player := []game.Move{game.Rock, game.Rock, game.Paper} // a habit
	for round := 0; round < 30; round++ {
		move := bot.Next()
		e := ex.Explain()
		you := player[round%3]
		if round >= 27 {
			fmt.Printf("expected %v, threw %v (%s): %v\n", e.Expected, e.Move, e.Predictor, game.Judge(move, you))
		}
		if round == 29 {
			fmt.Println("it", e)
		}
		bot.Update(move, you)
	}
	// Output:
	// expected rock, threw paper (markov-you-2): win
	// expected rock, threw paper (markov-you-2): win
	// expected paper, threw scissors (markov-you-2): win
	// it expected paper (what usually followed your last 2 moves), so it threw scissors
}
