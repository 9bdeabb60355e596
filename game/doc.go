// Package game holds roshambo's rules, match state and statistics, the bots
// (strategies), and both sides of the opponent line protocol: ServeBot plays a
// Strategy over stdin/stdout, and StartOpponent drives an opponent process
// from the game's side.
//
// The package does not depend on the terminal or on the input layer: the TUI
// adapts keys to Moves and renders what Match and Stats report.
//
// Unless a type's documentation says otherwise, values are not safe for
// concurrent use: one goroutine owns a Match, a Strategy or an Opponent.
package game
