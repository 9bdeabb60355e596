package tournament_test

import (
	"context"
	"fmt"
	"log"

	"github.com/roshambo-game/roshambo/game/tournament"
)

func ExampleRun() {
	entrants := []tournament.Entrant{{Strategy: "iocaine"}, {Strategy: "cycle"}, {Strategy: "rock"}}
	// External programs enter with Command, e.g. {Command: []string{"python3", "freqbot.py"}}.
	res, err := tournament.Run(context.Background(), tournament.Config{Rounds: 1000, Seed: 1}, entrants)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range res.Standings {
		fmt.Println(s.Name, s.MatchWins, s.Ties, s.Losses)
	}
	// Output:
	// iocaine 2 0 0
	// rock 0 1 1
	// cycle 0 1 1
}
