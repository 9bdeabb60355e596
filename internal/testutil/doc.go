// Package testutil holds the helpers that the module's tests share: skipping
// a test with the reason when what it needs is missing, re-executing the
// test binary in a role, and checking the README against the programs.
package testutil
