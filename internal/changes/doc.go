// Package changes asks git which files of a repository changed, for
// "check --new-from-rev" and the pre-commit hook's "--staged". It runs the
// local git binary and never fetches.
package changes
