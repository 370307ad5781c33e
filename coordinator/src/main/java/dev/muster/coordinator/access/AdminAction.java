package dev.muster.coordinator.access;

/** What an operator can ask of the coordinator, with the role it takes. */
public enum AdminAction {
    STATUS("status", OperatorRole.VIEWER),
    PLAN("plan", OperatorRole.VIEWER),
    WATCH("watch", OperatorRole.VIEWER),
    ADD_REGION("region add", OperatorRole.ADMIN),
    REMOVE_REGION("region remove", OperatorRole.ADMIN),
    PAUSE("pause", OperatorRole.ADMIN),
    RESUME("resume", OperatorRole.ADMIN),
    FORCE_RELEASE("release --force", OperatorRole.ADMIN),
    UPGRADE("upgrade", OperatorRole.ADMIN);

    private final String command;
    private final OperatorRole needs;

    AdminAction(String command, OperatorRole needs) {
        this.command = command;
        this.needs = needs;
    }

    /** The {@code muster} command that asks for it. */
    public String command() {
        return command;
    }

    public OperatorRole needs() {
        return needs;
    }
}
