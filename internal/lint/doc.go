// Package lint is the driver behind "fluxlint check": it reads the
// configuration, renders the repository, runs the analyzers and passes
// their findings through a pipeline of small filters, in the spirit of
// kyaml's kio pipelines: drop what suppressions silenced, what the
// configuration excludes, what did not change, then sort. Each filter can
// be tested alone, and a new step is one more value in the pipeline.
package lint
