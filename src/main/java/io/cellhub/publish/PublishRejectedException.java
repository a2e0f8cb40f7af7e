package io.cellhub.publish;

import io.cellhub.topic.RejectionReason;

/** A publish CellHub refused; the message says what to change. */
public class PublishRejectedException extends RuntimeException {

    private final RejectionReason reason;

    public PublishRejectedException(RejectionReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PublishRejectedException(RejectionReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public RejectionReason reason() {
        return reason;
    }
}
