package io.drdrill.alerts;

/**
 * What a channel sends, whatever it is about (a drill's verdict, a scheduled run that did not happen): the
 * webhook's JSON body and the mail's subject and text, each built once in the core so every channel says the same.
 */
public interface Notification {

    /** {@code failed}, {@code recovered}, {@code missed} or {@code restore_waiting}: the delivery record's kind. */
    String deliveryKind();

    String json();

    String mailSubject();

    String mailBody();
}
