import ArgumentParser

@main
struct Atrium: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atrium",
        abstract: "Atrium: a backend-for-frontend over billing, CRM, SIM and supplier systems.",
        discussion: "Configuration comes from the environment; see README.md. Exit codes: 0 ok, 1 failure or not built yet, 2 bad configuration.",
        subcommands: [
            Serve.self, Worker.self, Migrate.self, SandboxCommand.self, QueueCommand.self, Bench.self, UserCommand.self,
        ]
    )
}
