// Package cli is fluxlint's command line: a thin layer that parses flags
// and hands the work to the render, analyzers and migrate packages. Every
// command writes to the writers it is given, so tests need no process.
package cli
