package tournament

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/roshambo-game/roshambo/game"
)

// Entrant is one participant: a built-in strategy or an external command.
type Entrant struct {
	// Name labels the entrant in the results; empty means the strategy
	// name or a short form of the command.
	Name string
	// Strategy is a built-in strategy name (see game.StrategyNames).
	Strategy string
	// Command is the argv of an external opponent speaking the protocol.
	// Exactly one of Strategy and Command is set.
	Command []string
}

// Config controls a tournament. The zero value plays 1000-round matches with
// seed 0.
type Config struct {
	Rounds   int           // rounds per match; 0 means 1000
	Seed     int64         // base seed; each match derives its own seeds
	Timeout  time.Duration // per answer of external opponents; 0 means game.DefaultTimeout
	Parallel int           // matches run at once; 0 means GOMAXPROCS
}

// Match is the result of one pairing, from A's view.
type Match struct {
	A      int `json:"a"`      // index of entrant A in Result.Entrants
	B      int `json:"b"`      // index of entrant B
	Score  int `json:"score"`  // A's wins minus B's wins
	AWins  int `json:"a_wins"` // rounds A won
	BWins  int `json:"b_wins"` // rounds B won
	Draws  int `json:"draws"`  // drawn rounds
	Played int `json:"played"` // rounds played (fewer than Result.Rounds if the match ended early)
	// Outcome is "a", "b" or "tie" (within the tie margin, or both failed).
	Outcome string `json:"outcome"`
	// Err says why the match ended early; the side that failed forfeits.
	Err string `json:"error,omitempty"`
}

// Standing is one entrant's totals.
type Standing struct {
	Name      string `json:"name"`       // the entrant
	Total     int    `json:"total"`      // sum of its match scores
	MatchWins int    `json:"match_wins"` // matches won by more than the tie margin
	Ties      int    `json:"ties"`       // matches within the tie margin
	Losses    int    `json:"losses"`     // matches lost by more than the tie margin
}

// RankingRule is how the standings are ordered, as the output states it.
const RankingRule = "by matches won, then by total score (wins minus losses over all rounds)"

// Result is a finished tournament. It marshals to JSON as-is.
type Result struct {
	Rounds    int      `json:"rounds"`     // rounds per match
	Seed      int64    `json:"seed"`       // the base seed (Config.Seed); each match derives its own
	TieMargin int      `json:"tie_margin"` // see TieMargin
	Entrants  []string `json:"entrants"`   // names, in the order given
	// Cross[i][j] is entrant i's score against entrant j (0 on the diagonal).
	Cross     [][]int    `json:"cross"`
	Matches   []Match    `json:"matches"`   // every pairing once
	Ranking   string     `json:"ranking"`   // RankingRule
	Standings []Standing `json:"standings"` // best first, by RankingRule
}

// Configuration errors of Run, checked with errors.Is (an unknown strategy
// wraps game.ErrUnknownStrategy).
var (
	// ErrTooFewEntrants: a round robin needs at least two entrants.
	ErrTooFewEntrants = errors.New("need at least two entrants")
	// ErrEntrant: an entrant must be a strategy or a command, not both.
	ErrEntrant = errors.New("bad entrant")
)

// TieMargin returns the margin within which a match of the given number of
// rounds is a tie: 50 per 1000 rounds, rounded, at least 0.
func TieMargin(rounds int) int { return max(0, (50*rounds+500)/1000) }

// Run plays every pair of entrants once. Built-in strategies play in-process;
// each match against an external entrant starts a fresh process. A failing
// opponent ends its match early and forfeits it; Run itself fails only for a
// bad configuration (an unknown strategy, fewer than two entrants) or when
// ctx is done.
func Run(ctx context.Context, cfg Config, entrants []Entrant) (*Result, error) {
	for i, e := range entrants {
		if (e.Strategy == "") == (len(e.Command) == 0) {
			return nil, fmt.Errorf("entrant %d: %w: set exactly one of Strategy and Command", i+1, ErrEntrant)
		}
		if e.Strategy != "" {
			if _, err := game.NewStrategy(e.Strategy, 0); err != nil {
				return nil, err // it names the strategy
			}
		}
	}
	if len(entrants) < 2 {
		return nil, ErrTooFewEntrants
	}
	if cfg.Rounds <= 0 {
		cfg.Rounds = 1000
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = runtime.GOMAXPROCS(0)
	}
	res := &Result{Rounds: cfg.Rounds, Seed: cfg.Seed, TieMargin: TieMargin(cfg.Rounds), Ranking: RankingRule}
	seen := map[string]int{}
	for _, e := range entrants {
		name := e.Name
		if name == "" {
			name = e.Strategy
			if name == "" {
				name = shortCommand(e.Command)
			}
		}
		if seen[name]++; seen[name] > 1 {
			name = fmt.Sprintf("%s#%d", name, seen[name])
		}
		res.Entrants = append(res.Entrants, name)
	}
	for i := range entrants {
		for j := i + 1; j < len(entrants); j++ {
			res.Matches = append(res.Matches, Match{A: i, B: j})
		}
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < cfg.Parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				m := &res.Matches[k]
				playMatch(ctx, cfg, entrants, m)
			}
		}()
	}
	for k := range res.Matches {
		next <- k
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("tournament: %w", err)
	}
	res.tally()
	return res, nil
}

func playMatch(ctx context.Context, cfg Config, entrants []Entrant, m *Match) {
	var players [2]game.Player
	var failed [2]bool
	var errs []string
	for side, idx := range []int{m.A, m.B} {
		e := entrants[idx]
		if e.Strategy != "" {
			// Distinct, reproducible seeds per match and side.
			seed := cfg.Seed*1_000_003 + int64(m.A)*7919 + int64(m.B)*104_729 + int64(side)
			s, err := game.NewStrategy(e.Strategy, seed)
			if err != nil {
				errs = append(errs, err.Error())
				failed[side] = true
				continue
			}
			players[side] = game.StrategyPlayer(s)
			continue
		}
		op, err := game.StartOpponent(ctx, e.Command, game.OpponentOptions{Timeout: cfg.Timeout})
		if err != nil {
			errs = append(errs, "start opponent: "+err.Error())
			failed[side] = true
			continue
		}
		defer op.Close()
		players[side] = op
	}
	gm := game.NewMatch(game.Rounds(cfg.Rounds))
	if len(errs) == 0 {
		if err := game.Play(ctx, players[0], players[1], gm, game.Rules{}); err != nil {
			errs = append(errs, err.Error())
			var oe *game.OpponentError
			if errors.As(err, &oe) {
				failed[oe.Side] = true
			}
		}
	}
	s := gm.Score()
	m.Score, m.AWins, m.BWins, m.Draws, m.Played = s.Diff(), s.HumanWins, s.BotWins, s.Draws, s.Rounds()
	m.Err = strings.Join(errs, "; ")
	margin := TieMargin(cfg.Rounds)
	switch {
	case failed[0] && failed[1]:
		m.Outcome = "tie"
	case failed[0]:
		m.Outcome = "b"
	case failed[1]:
		m.Outcome = "a"
	case m.Err != "": // neither side failed, e.g. both committed
		m.Outcome = "tie"
	case m.Score > margin:
		m.Outcome = "a"
	case m.Score < -margin:
		m.Outcome = "b"
	default:
		m.Outcome = "tie"
	}
}

func (r *Result) tally() {
	n := len(r.Entrants)
	r.Cross = make([][]int, n)
	for i := range r.Cross {
		r.Cross[i] = make([]int, n)
	}
	st := make([]Standing, n)
	for i := range st {
		st[i].Name = r.Entrants[i]
	}
	for _, m := range r.Matches {
		r.Cross[m.A][m.B] = m.Score
		r.Cross[m.B][m.A] = -m.Score
		st[m.A].Total += m.Score
		st[m.B].Total -= m.Score
		switch m.Outcome {
		case "a":
			st[m.A].MatchWins++
			st[m.B].Losses++
		case "b":
			st[m.B].MatchWins++
			st[m.A].Losses++
		default:
			st[m.A].Ties++
			st[m.B].Ties++
		}
	}
	sort.SliceStable(st, func(i, j int) bool {
		if st[i].MatchWins != st[j].MatchWins {
			return st[i].MatchWins > st[j].MatchWins
		}
		return st[i].Total > st[j].Total
	})
	r.Standings = st
}

// WriteJSON writes the result as indented JSON.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("tournament: write json: %w", err)
	}
	return nil
}

// WriteText writes the crosstable (row's score against column), the
// standings and any match errors.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "roshambo tournament: %d rounds per match, seed %d, a match within ±%d is a tie; ranked %s\n\n",
		r.Rounds, r.Seed, r.TieMargin, RankingRule)
	width := 6
	for _, n := range r.Entrants {
		width = max(width, len(n))
	}
	fmt.Fprintf(&b, "%-*s", width+2, "")
	for i := range r.Entrants {
		fmt.Fprintf(&b, " %6s", fmt.Sprintf("#%d", i+1))
	}
	fmt.Fprintf(&b, " %7s\n", "total")
	errs := map[[2]int]bool{}
	for _, m := range r.Matches {
		if m.Err != "" {
			errs[[2]int{m.A, m.B}], errs[[2]int{m.B, m.A}] = true, true
		}
	}
	for i, n := range r.Entrants {
		fmt.Fprintf(&b, "#%-*d%-*s", 2, i+1, width, n)
		total := 0
		for j := range r.Entrants {
			cell := "."
			if i != j {
				cell = fmt.Sprintf("%+d", r.Cross[i][j])
				if errs[[2]int{i, j}] {
					cell += "!"
				}
			}
			total += r.Cross[i][j]
			fmt.Fprintf(&b, " %6s", cell)
		}
		fmt.Fprintf(&b, " %+7d\n", total)
	}
	fmt.Fprintf(&b, "\n%-4s %-*s %7s %4s %4s %4s\n", "rank", width, "name", "total", "won", "tied", "lost")
	for k, s := range r.Standings {
		fmt.Fprintf(&b, "%-4d %-*s %+7d %4d %4d %4d\n", k+1, width, s.Name, s.Total, s.MatchWins, s.Ties, s.Losses)
	}
	first := true
	for _, m := range r.Matches {
		if m.Err == "" {
			continue
		}
		if first {
			b.WriteString("\nmatches that ended early (marked !; the failing side forfeits):\n")
			first = false
		}
		fmt.Fprintf(&b, "  %s vs %s after %d rounds: %s\n", r.Entrants[m.A], r.Entrants[m.B], m.Played, m.Err)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// shortCommand names an external entrant after its command.
func shortCommand(argv []string) string {
	s := filepath.Base(argv[0])
	if len(argv) > 1 {
		s += " " + strings.Join(argv[1:], " ")
	}
	if len(s) > 24 {
		s = s[:23] + "…"
	}
	return s
}
