package cli

func runMigrate(e *env, args []string) int { return ExitError }
func runConfig(e *env, args []string) int  { return ExitError }
