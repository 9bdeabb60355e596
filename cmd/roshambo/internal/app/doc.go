// Package app is the `roshambo play` command: the game as an application.
// Main parses the flags, and an App opens the game's parts in one place and
// in order (the spy, the opponent process, the console in raw mode, the
// screen), runs the session (package tui's event loop), and closes them in
// reverse: the terminal restored first, the summary printed, then the
// opponent told to quit and the spy detached.
//
// The libraries report and the App decides: a terminating signal reaches
// the loop as an event, and the App prints the record of every round played
// before it ends the process with that signal. package main only dispatches
// to Main and BotMain.
package app
