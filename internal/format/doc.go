// Package format writes findings for people and machines: compiler-style
// text, a stable JSON document, SARIF 2.1.0 for code scanning, and GitHub
// workflow commands that annotate a pull request's lines.
package format
