package tui

import (
	"fmt"
	"strings"

	"github.com/roshambo-game/roshambo/game"
)

// Summary is the text printed on the normal screen after the terminal is
// restored, so that it stays in the scrollback: every match of the session,
// every round played, how each match ended and the reaction times.
func Summary(name string, res Result) string {
	var b strings.Builder
	matches := res.Matches
	// A new match left before its first round is not worth a record.
	if n := len(matches); n > 1 && matches[n-1].Match.Played() == 0 && matches[n-1].Err == nil {
		matches = matches[:n-1]
	}
	res.Matches = matches
	for i, mr := range res.Matches {
		if i > 0 {
			b.WriteByte('\n')
		}
		m := mr.Match
		sc := m.Score()
		which := ""
		if len(res.Matches) > 1 {
			which = fmt.Sprintf("match %d of %d: ", i+1, len(res.Matches))
		}
		fmt.Fprintf(&b, "roshambo: %s%s vs %s, %s played\n", which, m.Format(), name, plural(sc.Rounds(), "round"))
		last := i == len(res.Matches)-1
		switch {
		case mr.Err != nil:
			headline, detail := Explain(mr.Err)
			fmt.Fprintf(&b, "match ended: %s (record kept)\n", headline)
			for _, d := range detail {
				fmt.Fprintf(&b, "  %s\n", oneLine(d))
			}
		case m.Over():
			word := map[game.Outcome]string{game.Win: "you win", game.Loss: "you lose", game.Draw: "a draw"}[m.Result()]
			fmt.Fprintf(&b, "match over: %s\n", word)
		case last && res.Signal != 0:
			fmt.Fprintf(&b, "match interrupted: %v\n", res.Signal)
		case last && res.Err != nil:
			fmt.Fprintf(&b, "match interrupted: %s\n", oneLine(res.Err.Error()))
		default:
			b.WriteString("match abandoned\n")
		}
		fmt.Fprintf(&b, "score: you %d : %d bot, draws %d\n", sc.HumanWins, sc.BotWins, sc.Draws)
		for j, r := range m.History() {
			react := "typed ahead"
			if j < len(mr.Reactions) && mr.Reactions[j] >= 0 {
				react = FormatDuration(mr.Reactions[j])
			}
			out := r.Outcome.String()
			if r.Forfeit {
				out += " by forfeit (the bot broke its commitment)"
			}
			fmt.Fprintf(&b, "  round %2d: you %-8s bot %-8s %-4s  reaction %s\n", r.N, r.Human, r.Bot, out, react)
		}
		if n, median, mean, best := ReactionStats(mr.Reactions); n > 0 {
			fmt.Fprintf(&b, "reaction: median %s, mean %s, best %s over %s\n",
				FormatDuration(median), FormatDuration(mean), FormatDuration(best), plural(n, "throw"))
		}
	}
	return b.String()
}

// oneLine squeezes a message onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
