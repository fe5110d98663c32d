package cli

func runMigrate(e *env, args []string) int { return ExitError }
