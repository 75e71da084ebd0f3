<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>BreakableLabel</name>
    <message>
        <location filename="../../c2t_wizard/ui/breaking.py" line="+82"/>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Select All</source>
        <translation>Alles auswählen</translation>
    </message>
</context>
<context>
    <name>BusySpinner</name>
    <message>
        <location filename="../../c2t_wizard/ui/widgets.py" line="+81"/>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
</context>
<context>
    <name>CredentialsPage</name>
    <message>
        <location filename="../../c2t_wizard/ui/pages/credentials.py" line="+472"/>
        <source>Hand over the passwords</source>
        <translation>Kennwörter übergeben</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Each person gets their username and temporary password at their work email, with what to do next. The wizard keeps passwords in memory only.</source>
        <translation>Jede Person erhält ihren Benutzernamen und ihr vorläufiges Kennwort an ihre geschäftliche E-Mail-Adresse, dazu die nächsten Schritte. Der Assistent hält Kennwörter nur im Arbeitsspeicher.</translation>
    </message>
    <message>
        <location line="-47"/>
        <source>How to deliver</source>
        <translation>Zustellweg</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+984"/>
        <source>Send from your mailbox (Microsoft 365)</source>
        <translation>Aus Ihrem Postfach senden (Microsoft 365)</translation>
    </message>
    <message>
        <location line="-983"/>
        <source>Open messages in your mail app</source>
        <translation>Nachrichten in Ihrem Mailprogramm öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy one message at a time</source>
        <translation>Nachrichten einzeln kopieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Print or save welcome sheets (PDF)</source>
        <translation>Begrüßungsblätter drucken oder speichern (PDF)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Deliver by:</source>
        <translation>&amp;Versand per:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language of the message</source>
        <translation>Sprache der Nachricht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message &amp;language:</source>
        <translation>Sprache der &amp;Nachricht:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>People and how their passwords were delivered</source>
        <translation>Personen und wie ihre Kennwörter zugestellt wurden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Username</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Work email</source>
        <translation>Geschäftliche E-Mail</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Delivery</source>
        <translation>Zustellung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;People:</source>
        <translation>&amp;Personen:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Deliver to the selected people</source>
        <translation>An die ausgewählten Personen zustellen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Retry failed</source>
        <translation>Fehlgeschlagene e&amp;rneut versuchen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Retry the deliveries that failed</source>
        <translation>Die fehlgeschlagenen Zustellungen erneut versuchen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Mark as delivered</source>
        <translation>Als &amp;zugestellt markieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mark the selected messages as delivered (you sent or passed them on)</source>
        <translation>Die ausgewählten Nachrichten als zugestellt markieren (Sie haben sie gesendet oder weitergegeben)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Check for &amp;bounces</source>
        <translation>Auf &amp;Unzustellbares prüfen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Look in your Inbox for mail that could not be delivered</source>
        <translation>Im Posteingang nach Mails suchen, die nicht zugestellt werden konnten</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Microsoft accepting a mail doesn&apos;t mean it arrived. A mail that can&apos;t be delivered comes back as a bounce report in your Inbox, sometimes much later.</source>
        <translation>Dass Microsoft eine Mail angenommen hat, heißt nicht, dass sie angekommen ist. Eine Mail, die nicht zugestellt werden kann, kommt als Unzustellbarkeitsbericht in Ihren Posteingang zurück, manchmal erst viel später.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Getting the list of people ready…</source>
        <translation>Die Liste der Personen wird vorbereitet …</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The journal isn&apos;t open yet. Go back and forward again.</source>
        <translation>Das Protokoll ist noch nicht geöffnet. Gehen Sie einen Schritt zurück und wieder vor.</translation>
    </message>
    <message>
        <location line="-82"/>
        <source>Deliver to selec&amp;ted</source>
        <translation>An &amp;Ausgewählte zustellen</translation>
    </message>
    <message>
        <location line="-330"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF-Dateien (*.pdf)</translation>
    </message>
    <message numerus="yes">
        <location line="+561"/>
        <source>%n person(s) were created in an earlier session and never got their password. For security, the wizard never stores passwords, so these people get a new temporary password now.</source>
        <translation>
            <numerusform>%n Person wurde in einer früheren Sitzung angelegt und hat ihr Kennwort nie erhalten. Aus Sicherheitsgründen speichert der Assistent keine Kennwörter, daher bekommt sie jetzt ein neues vorläufiges Kennwort.</numerusform>
            <numerusform>%n Personen wurden in einer früheren Sitzung angelegt und haben ihr Kennwort nie erhalten. Aus Sicherheitsgründen speichert der Assistent keine Kennwörter, daher bekommen sie jetzt ein neues vorläufiges Kennwort.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Nobody new to deliver a password to.</source>
        <translation>Es gibt niemanden, dem ein Kennwort zugestellt werden muss.</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Your mailbox&apos;s address ends in onmicrosoft.com, so Microsoft lets it mail at most {cap} people outside your organisation a day. The wizard mailed {sent} in the last 24 hours (mail from other apps counts too): up to {remaining} more can get their password by mail today.</source>
        <translation>Die Adresse Ihres Postfachs endet auf onmicrosoft.com, daher lässt Microsoft damit höchstens {cap} Personen außerhalb Ihrer Organisation pro Tag anschreiben. Der Assistent hat in den letzten 24 Stunden {sent} angeschrieben (Mails aus anderen Programmen zählen mit): Bis zu {remaining} weitere können ihr Kennwort heute per Mail erhalten.</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n mail(s) from your organisation bounced in the last 24 hours: the limit may be reached already.</source>
        <translation>
            <numerusform>%n Mail Ihrer Organisation kam in den letzten 24 Stunden unzustellbar zurück: Das Limit ist vielleicht schon erreicht.</numerusform>
            <numerusform>%n Mails Ihrer Organisation kamen in den letzten 24 Stunden unzustellbar zurück: Das Limit ist vielleicht schon erreicht.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%n person(s) are beyond that: give them their password with your mail app (if it sends from another address), the clipboard or a welcome sheet.</source>
        <translation>
            <numerusform>%n Person liegt darüber: Geben Sie ihr das Kennwort über Ihr Mailprogramm (falls es von einer anderen Adresse sendet), die Zwischenablage oder ein Begrüßungsblatt.</numerusform>
            <numerusform>%n Personen liegen darüber: Geben Sie ihnen das Kennwort über Ihr Mailprogramm (falls es von einer anderen Adresse sendet), die Zwischenablage oder ein Begrüßungsblatt.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+50"/>
        <source>A mail Microsoft accepted can still bounce. To notice it, the wizard reads the subject of new messages in your Inbox (never their content): Microsoft may ask you to allow that.</source>
        <translation>Auch eine Mail, die Microsoft angenommen hat, kann unzustellbar zurückkommen. Um das zu bemerken, liest der Assistent den Betreff neuer Nachrichten in Ihrem Posteingang (nie ihren Inhalt): Microsoft fragt Sie eventuell, ob Sie das erlauben.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Waiting a little before looking for bounced mail ({number} of {total})…</source>
        <translation>Kurze Wartezeit vor der Suche nach unzustellbaren Mails ({number} von {total}) …</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Looking for bounced mail in your Inbox ({number} of {total})…</source>
        <translation>Suche im Posteingang nach unzustellbaren Mails ({number} von {total}) …</translation>
    </message>
    <message numerus="yes">
        <location line="+27"/>
        <source>%n mail(s) bounced: Microsoft accepted them but couldn&apos;t deliver them. Deliver to those people another way: a welcome sheet, the clipboard, or your mail app if it sends from another address.</source>
        <translation>
            <numerusform>%n Mail kam unzustellbar zurück: Microsoft hat sie angenommen, aber nicht zustellen können. Stellen Sie dieser Person auf anderem Weg zu: mit einem Begrüßungsblatt, über die Zwischenablage oder mit Ihrem Mailprogramm, falls es von einer anderen Adresse sendet.</numerusform>
            <numerusform>%n Mails kamen unzustellbar zurück: Microsoft hat sie angenommen, aber nicht zustellen können. Stellen Sie diesen Personen auf anderem Weg zu: mit einem Begrüßungsblatt, über die Zwischenablage oder mit Ihrem Mailprogramm, falls es von einer anderen Adresse sendet.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No bounced mail so far. A bounce can come hours later: Check for bounces looks again.</source>
        <translation>Bisher ist keine Mail unzustellbar zurückgekommen. Das kann auch Stunden später passieren: „Auf Unzustellbares prüfen“ sieht erneut nach.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Bounced mail couldn&apos;t be looked for: {problem}</source>
        <translation>Unzustellbare Mails konnten nicht gesucht werden: {problem}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The list of people couldn&apos;t be read: {error}</source>
        <translation>Die Liste der Personen ließ sich nicht lesen: {error}</translation>
    </message>
    <message numerus="yes">
        <location line="+105"/>
        <source>%n delivery(ies) marked as delivered.</source>
        <translation>
            <numerusform>%n Zustellung als zugestellt markiert.</numerusform>
            <numerusform>%n Zustellungen als zugestellt markiert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>The message to %n person(s) may already have been sent: Microsoft&apos;s answer was lost and the wizard couldn&apos;t check your Sent Items. Look there first. Send again anyway? The wizard checks once more before sending.</source>
        <translation>
            <numerusform>Die Nachricht an %n Person wurde vielleicht schon gesendet: Die Antwort von Microsoft ging verloren, und der Assistent konnte Ihre gesendeten Elemente nicht prüfen. Sehen Sie zuerst dort nach. Trotzdem erneut senden? Der Assistent prüft vor dem Senden noch einmal.</numerusform>
            <numerusform>Die Nachrichten an %n Personen wurden vielleicht schon gesendet: Die Antwort von Microsoft ging verloren, und der Assistent konnte Ihre gesendeten Elemente nicht prüfen. Sehen Sie zuerst dort nach. Trotzdem erneut senden? Der Assistent prüft vor dem Senden noch einmal.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>These messages may have been sent</source>
        <translation>Diese Nachrichten wurden vielleicht schon gesendet</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Mail from your address won&apos;t reach these people today. Choose another way to deliver above: a welcome sheet, the clipboard or your mail app.</source>
        <translation>Mails von Ihrer Adresse erreichen diese Personen heute nicht. Wählen Sie oben einen anderen Weg: ein Begrüßungsblatt, die Zwischenablage oder Ihr Mailprogramm.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Asking for permission to send mail…</source>
        <translation>Berechtigung zum Senden von E-Mails wird angefragt …</translation>
    </message>
    <message>
        <location line="+44"/>
        <location line="+450"/>
        <source>Sending…</source>
        <translation>Wird gesendet …</translation>
    </message>
    <message numerus="yes">
        <location line="-399"/>
        <source>Mail went to everyone Microsoft&apos;s daily limit allows. %n person(s) are over the limit: deliver to them another way (choose a welcome sheet, the clipboard or your mail app above, then Deliver to selected).</source>
        <translation>
            <numerusform>Mails gingen an alle, die Microsofts Tageslimit zulässt. %n Person liegt über dem Limit: Stellen Sie ihr auf anderem Weg zu (wählen Sie oben Begrüßungsblatt, Zwischenablage oder Mailprogramm, dann „An Ausgewählte zustellen“).</numerusform>
            <numerusform>Mails gingen an alle, die Microsofts Tageslimit zulässt. %n Personen liegen über dem Limit: Stellen Sie ihnen auf anderem Weg zu (wählen Sie oben Begrüßungsblatt, Zwischenablage oder Mailprogramm, dann „An Ausgewählte zustellen“).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>%n message(s) may have been sent: Microsoft&apos;s answer was lost and your Sent Items couldn&apos;t be checked. Look in your Sent Items; Retry failed asks before sending again.</source>
        <translation>
            <numerusform>%n Nachricht wurde vielleicht gesendet: Die Antwort von Microsoft ging verloren, und Ihre gesendeten Elemente konnten nicht geprüft werden. Sehen Sie in Ihren gesendeten Elementen nach; „Fehlgeschlagene erneut versuchen“ fragt vor dem erneuten Senden.</numerusform>
            <numerusform>%n Nachrichten wurden vielleicht gesendet: Die Antwort von Microsoft ging verloren, und Ihre gesendeten Elemente konnten nicht geprüft werden. Sehen Sie in Ihren gesendeten Elementen nach; „Fehlgeschlagene erneut versuchen“ fragt vor dem erneuten Senden.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Your account has no Microsoft 365 mailbox (it has no Exchange licence), so the wizard can&apos;t send from it. Your mail app is chosen instead: deliver again from there.</source>
        <translation>Ihr Konto hat kein Microsoft 365-Postfach (keine Exchange-Lizenz), daher kann der Assistent nicht daraus senden. Stattdessen ist Ihr Mailprogramm ausgewählt: Stellen Sie von dort erneut zu.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Your mail app didn&apos;t open. Choose another way to deliver, such as the welcome sheet.</source>
        <translation>Ihr Mailprogramm hat sich nicht geöffnet. Wählen Sie einen anderen Zustellweg, zum Beispiel das Begrüßungsblatt.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The message is too long for a mail link, so it&apos;s on the clipboard: paste it into the message your mail app opened, then send it. The clipboard is cleared in a minute.</source>
        <translation>Die Nachricht ist zu lang für einen Mail-Link und liegt daher in der Zwischenablage: Fügen Sie sie in die Nachricht ein, die Ihr Mailprogramm geöffnet hat, und senden Sie sie. Die Zwischenablage wird in einer Minute geleert.</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>%n message(s) are too long for a mail link. Select each of those people and use Deliver to selected: the message then goes via the clipboard.</source>
        <translation>
            <numerusform>%n Nachricht ist zu lang für einen Mail-Link. Wählen Sie die Person aus und nutzen Sie „An Ausgewählte zustellen“: Die Nachricht geht dann über die Zwischenablage.</numerusform>
            <numerusform>%n Nachrichten sind zu lang für einen Mail-Link. Wählen Sie jede dieser Personen aus und nutzen Sie „An Ausgewählte zustellen“: Die Nachricht geht dann über die Zwischenablage.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>%n message(s) opened in your mail app: check each one and send it.</source>
        <translation>
            <numerusform>%n Nachricht in Ihrem Mailprogramm geöffnet: Prüfen Sie sie und senden Sie sie ab.</numerusform>
            <numerusform>%n Nachrichten in Ihrem Mailprogramm geöffnet: Prüfen Sie jede und senden Sie sie ab.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>The message for {name} is on the clipboard: paste it into a message to {email}. The clipboard is cleared in %n second(s).</source>
        <translation>
            <numerusform>Die Nachricht für {name} ist in der Zwischenablage: Fügen Sie sie in eine Nachricht an {email} ein. Die Zwischenablage wird in %n Sekunde geleert.</numerusform>
            <numerusform>Die Nachricht für {name} ist in der Zwischenablage: Fügen Sie sie in eine Nachricht an {email} ein. Die Zwischenablage wird in %n Sekunden geleert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>The welcome sheet contains the temporary passwords of %n person(s). Save it only somewhere private, print it, and delete the file once everyone has signed in.</source>
        <translation>
            <numerusform>Das Begrüßungsblatt enthält das vorläufige Kennwort von %n Person. Speichern Sie es nur an einem privaten Ort, drucken Sie es aus und löschen Sie die Datei, sobald sich die Person angemeldet hat.</numerusform>
            <numerusform>Das Begrüßungsblatt enthält die vorläufigen Kennwörter von %n Personen. Speichern Sie es nur an einem privaten Ort, drucken Sie es aus und löschen Sie die Datei, sobald sich alle angemeldet haben.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This file will contain passwords</source>
        <translation>Diese Datei wird Kennwörter enthalten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>welcome-sheets.pdf</source>
        <translation>begruessungsblaetter.pdf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the welcome sheets</source>
        <translation>Begrüßungsblätter speichern</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Welcome sheets</source>
        <translation>Begrüßungsblätter</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>The welcome sheet couldn&apos;t be saved: {error}</source>
        <translation>Das Begrüßungsblatt ließ sich nicht speichern: {error}</translation>
    </message>
    <message numerus="yes">
        <location line="-17"/>
        <source>Saved %n page(s) to {path}. Print them, hand each person their page, then delete the file.</source>
        <translation>
            <numerusform>%n Seite unter {path} gespeichert. Drucken Sie sie aus, übergeben Sie sie der Person und löschen Sie dann die Datei.</numerusform>
            <numerusform>%n Seiten unter {path} gespeichert. Drucken Sie sie aus, übergeben Sie jeder Person ihre Seite und löschen Sie dann die Datei.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+51"/>
        <source>The clipboard was cleared.</source>
        <translation>Die Zwischenablage wurde geleert.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Something went wrong: {error}</source>
        <translation>Etwas ist schiefgelaufen: {error}</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Send from your mailbox (your account has none)</source>
        <translation>Aus Ihrem Postfach senden (Ihr Konto hat keines)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&amp;Send to everyone</source>
        <translation>An alle s&amp;enden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The wizard sends each person their message from your mailbox. The first time, Microsoft asks you to allow the wizard to send mail.</source>
        <translation>Der Assistent sendet jeder Person ihre Nachricht aus Ihrem Postfach. Beim ersten Mal fragt Microsoft, ob der Assistent E-Mails senden darf.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Open all in your mail app</source>
        <translation>Alle im Mailprogramm ö&amp;ffnen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your mail app opens one new message per person, filled in: check each one and send it.</source>
        <translation>Ihr Mailprogramm öffnet pro Person eine ausgefüllte neue Nachricht: Prüfen Sie jede und senden Sie sie ab.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Copy the next message</source>
        <translation>Nächste Nachricht &amp;kopieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copies one person&apos;s message at a time, to paste into any mail or chat. The clipboard is cleared after a minute.</source>
        <translation>Kopiert jeweils die Nachricht für eine Person, zum Einfügen in eine beliebige E-Mail oder einen Chat. Die Zwischenablage wird nach einer Minute geleert.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save &amp;welcome sheets…</source>
        <translation>&amp;Begrüßungsblätter speichern …</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A PDF with one page per person, to print and hand over. It contains passwords: keep it private and delete it afterwards.</source>
        <translation>Ein PDF mit einer Seite pro Person zum Ausdrucken und Übergeben. Es enthält Kennwörter: Bewahren Sie es vertraulich auf und löschen Sie es danach.</translation>
    </message>
    <message numerus="yes">
        <location line="+44"/>
        <source>Everyone has their password: %n delivered.</source>
        <translation>
            <numerusform>Alle haben ihr Kennwort: %n zugestellt.</numerusform>
            <numerusform>Alle haben ihr Kennwort: %n zugestellt.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Microsoft refused to set new passwords: your account, or the permission the wizard was given, does not allow resetting passwords. A Global Administrator can reset them (or approve the wizard&apos;s permission to reset passwords); a User Administrator can reset only people who are not administrators. Then use Retry failed.</source>
        <translation>Microsoft hat das Setzen neuer Kennwörter abgelehnt: Ihr Konto oder die Berechtigung, die der Assistent erhalten hat, erlaubt das Zurücksetzen von Kennwörtern nicht. Ein Globaler Administrator kann sie zurücksetzen (oder die Berechtigung des Assistenten zum Zurücksetzen von Kennwörtern genehmigen); ein Benutzeradministrator kann nur Personen zurücksetzen, die keine Administratoren sind. Verwenden Sie danach „Fehlgeschlagene erneut versuchen“.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>May have been sent: {problem}</source>
        <translation>Vielleicht gesendet: {problem}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Over today&apos;s mail limit: deliver another way</source>
        <translation>Über dem heutigen Mail-Limit: auf anderem Weg zustellen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bounced: deliver another way</source>
        <translation>Unzustellbar: auf anderem Weg zustellen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Delivered (you confirmed it)</source>
        <translation>Zugestellt (von Ihnen bestätigt)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sent at {time} (accepted by Microsoft)</source>
        <translation>Gesendet um {time} (von Microsoft angenommen)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Handed to your mail app at {time} (not confirmed)</source>
        <translation>Um {time} an Ihr E-Mail-Programm übergeben (nicht bestätigt)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copied at {time} (not confirmed)</source>
        <translation>Um {time} kopiert (nicht bestätigt)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On the welcome sheet saved at {time}</source>
        <translation>Auf dem Willkommensblatt, gespeichert um {time}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ready (new temporary password)</source>
        <translation>Bereit (neues vorläufiges Kennwort)</translation>
    </message>
    <message>
        <location line="-59"/>
        <source>Setting new temporary passwords…</source>
        <translation>Neue vorläufige Kennwörter werden festgelegt …</translation>
    </message>
    <message>
        <location line="-1049"/>
        <source>New pass&amp;word</source>
        <translation>Neues Kenn&amp;wort</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Give the selected people a new temporary password, to deliver it again</source>
        <translation>Den ausgewählten Personen ein neues vorläufiges Kennwort geben, um es erneut zuzustellen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>For a message you can&apos;t confirm reached its person: a new temporary password replaces the one handed over before, and you deliver the new one.</source>
        <translation>Für eine Nachricht, von der Sie nicht wissen, ob sie angekommen ist: Ein neues vorläufiges Kennwort ersetzt das zuvor übergebene, und Sie stellen das neue zu.</translation>
    </message>
    <message numerus="yes">
        <location line="+471"/>
        <source>%n person(s) get a new temporary password. The one handed over before stops working, so deliver the new one to them next. Go on?</source>
        <translation>
            <numerusform>%n Person bekommt ein neues vorläufiges Kennwort. Das zuvor übergebene gilt dann nicht mehr: Stellen Sie ihr als Nächstes das neue zu. Fortfahren?</numerusform>
            <numerusform>%n Personen bekommen ein neues vorläufiges Kennwort. Die zuvor übergebenen gelten dann nicht mehr: Stellen Sie ihnen als Nächstes die neuen zu. Fortfahren?</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>New temporary passwords</source>
        <translation>Neue vorläufige Kennwörter</translation>
    </message>
    <message>
        <location line="+348"/>
        <source>Saving the welcome sheets…</source>
        <translation>Die Begrüßungsblätter werden gespeichert…</translation>
    </message>
    <message>
        <location line="+83"/>
        <source>Welcome mails are being sent.</source>
        <translation>Willkommens-Mails werden gerade gesendet.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>New temporary passwords are being set.</source>
        <translation>Neue temporäre Kennwörter werden gerade festgelegt.</translation>
    </message>
    <message>
        <location line="+152"/>
        <source>Some new passwords couldn&apos;t be set. Use Retry failed to try again.</source>
        <translation>Einige neue Kennwörter ließen sich nicht festlegen. Versuchen Sie es mit „Fehlgeschlagene erneut versuchen“ noch einmal.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{done} of {total} delivered.</source>
        <translation>{done} von {total} zugestellt.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Setting a new temporary password…</source>
        <translation>Neues vorläufiges Kennwort wird festgelegt …</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>New password not set: {problem}</source>
        <translation>Neues Kennwort nicht festgelegt: {problem}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Not delivered</source>
        <translation>Nicht zugestellt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not delivered: {problem}</source>
        <translation>Nicht zugestellt: {problem}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Too long for a mail link: deliver it on its own</source>
        <translation>Zu lang für einen Mail-Link: bitte einzeln zustellen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Delivered in an earlier session</source>
        <translation>In einer früheren Sitzung zugestellt</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Ready to deliver</source>
        <translation>Bereit zum Zustellen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>your account has no mailbox to send from</source>
        <translation>Ihr Konto hat kein Postfach zum Senden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Microsoft refused to send mail from your account (no permission)</source>
        <translation>Microsoft hat das Senden aus Ihrem Konto abgelehnt (keine Berechtigung)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>permission to send mail was not given</source>
        <translation>die Berechtigung zum Senden von E-Mails wurde nicht erteilt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>your sign-in has expired: go back and sign in again</source>
        <translation>Ihre Anmeldung ist abgelaufen: Gehen Sie zurück und melden Sie sich erneut an</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft refused the work email address</source>
        <translation>Microsoft hat die geschäftliche E-Mail-Adresse abgelehnt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft is busy: try again in a minute</source>
        <translation>Microsoft ist überlastet: Versuchen Sie es in einer Minute erneut</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no connection to Microsoft</source>
        <translation>keine Verbindung zu Microsoft</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft had a problem: try again</source>
        <translation>Microsoft hatte ein Problem: Versuchen Sie es erneut</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the user no longer exists</source>
        <translation>den Benutzer gibt es nicht mehr</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>your account, or the permission the wizard was given, does not allow resetting passwords</source>
        <translation>Ihr Konto oder die Berechtigung des Assistenten erlaubt das Zurücksetzen von Kennwörtern nicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>your Sent Items couldn&apos;t be checked</source>
        <translation>Ihre gesendeten Elemente konnten nicht geprüft werden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>an unexpected answer from Microsoft</source>
        <translation>eine unerwartete Antwort von Microsoft</translation>
    </message>
</context>
<context>
    <name>ErrorReporter</name>
    <message>
        <location filename="../../c2t_wizard/ui/errors.py" line="+99"/>
        <source>Something went wrong</source>
        <translation>Etwas ist schiefgelaufen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Something unexpected went wrong. Nothing you entered is lost; you can carry on or try again. The details are in the log file.</source>
        <translation>Etwas Unerwartetes ist passiert. Ihre Eingaben sind nicht verloren; Sie können weitermachen oder es erneut versuchen. Die Einzelheiten stehen in der Protokolldatei.</translation>
    </message>
</context>
<context>
    <name>FileErrors</name>
    <message>
        <location filename="../../c2t_wizard/ui/file_errors.py" line="+16"/>
        <source>the file or its folder doesn&apos;t exist</source>
        <translation>die Datei oder ihr Ordner existiert nicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>access was denied</source>
        <translation>der Zugriff wurde verweigert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the disk is full</source>
        <translation>der Datenträger ist voll</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>that is a folder, not a file</source>
        <translation>das ist ein Ordner, keine Datei</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the system reported an error ({kind})</source>
        <translation>das System hat einen Fehler gemeldet ({kind})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>an unexpected error ({kind})</source>
        <translation>ein unerwarteter Fehler ({kind})</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../c2t_wizard/ui/history.py" line="+54"/>
        <location line="+14"/>
        <source>Past onboardings</source>
        <translation>Frühere Einrichtungen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Started</source>
        <translation>Begonnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Organisation</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>People</source>
        <translation>Personen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in details</source>
        <translation>Anmeldedaten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Invited</source>
        <translation>Eingeladen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>Stand</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Press Enter to see who was onboarded and how.</source>
        <translation>Drücken Sie die Eingabetaste, um zu sehen, wer wie eingerichtet wurde.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Past onboardings:</source>
        <translation>&amp;Frühere Einrichtungen:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;View</source>
        <translation>&amp;Ansehen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Export</source>
        <translation>&amp;Exportieren</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>As a spreadsheet (&amp;CSV)…</source>
        <translation>Als Tabelle (&amp;CSV) …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>As data (&amp;JSON)…</source>
        <translation>Als Daten (&amp;JSON) …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>As a document (&amp;PDF)…</source>
        <translation>Als Dokument (&amp;PDF) …</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Reading the past onboardings…</source>
        <translation>Die früheren Einrichtungen werden gelesen …</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Exporting…</source>
        <translation>Exportiere …</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Finished</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Not finished</source>
        <translation>Nicht abgeschlossen</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+1"/>
        <source>{done} of {total}</source>
        <translation>{done} von {total}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>1 onboarding. Select it to view or export it.</source>
        <translation>1 Einrichtung. Wählen Sie sie aus, um sie anzusehen oder zu exportieren.</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n onboardings. Select one to view or export it.</source>
        <translation>
            <numerusform>%n Einrichtung. Wählen Sie eine aus, um sie anzusehen oder zu exportieren.</numerusform>
            <numerusform>%n Einrichtungen. Wählen Sie eine aus, um sie anzusehen oder zu exportieren.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Nobody has been onboarded yet.</source>
        <translation>Bisher wurde noch niemand eingerichtet.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The past onboardings couldn&apos;t be read: {why}</source>
        <translation>Die früheren Einrichtungen ließen sich nicht lesen: {why}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Onboarding of {when}</source>
        <translation>Einrichtung vom {when}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>People and what happened</source>
        <translation>Personen und was geschehen ist</translation>
    </message>
    <message numerus="yes">
        <location line="+28"/>
        <source>Saving the PDF: %n of {total} people…</source>
        <translation>
            <numerusform>PDF wird gespeichert: %n von {total} Personen…</numerusform>
            <numerusform>PDF wird gespeichert: %n von {total} Personen…</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Saved to {path}.</source>
        <translation>Gespeichert unter {path}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The summary couldn&apos;t be saved: {why}</source>
        <translation>Die Zusammenfassung konnte nicht gespeichert werden: {why}</translation>
    </message>
</context>
<context>
    <name>JourneyMap</name>
    <message>
        <location filename="../../c2t_wizard/ui/journey_map.py" line="+235"/>
        <source>Tenant</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-up</source>
        <translation>Registrierung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Passwords</source>
        <translation>Kennwörter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Portal</source>
        <translation>Portal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Step {number} of {count}: {name}</source>
        <translation>Schritt {number} von {count}: {name}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>current step</source>
        <translation>aktueller Schritt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>done</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>skipped</source>
        <translation>übersprungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>to do</source>
        <translation>offen</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Onboarding in {count} steps</source>
        <translation>Einrichtung in {count} Schritten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your progress through the onboarding</source>
        <translation>Ihr Fortschritt bei der Einrichtung</translation>
    </message>
</context>
<context>
    <name>OnboardingWizard</name>
    <message>
        <location filename="../../c2t_wizard/ui/application.py" line="+127"/>
        <location line="+46"/>
        <location filename="../../c2t_wizard/ui/wizard.py" line="+503"/>
        <source>Call2Teams onboarding</source>
        <translation>Call2Teams-Einrichtung</translation>
    </message>
    <message>
        <location filename="../../c2t_wizard/ui/wizard.py" line="-193"/>
        <source>Stop and close?</source>
        <translation>Anhalten und schließen?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop after the current batch?</source>
        <translation>Nach dem laufenden Schritt anhalten?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What was already sent is finished and recorded first, so nobody is created or mailed twice. You can go on with the rest next time.</source>
        <translation>Was schon unterwegs ist, wird zuerst abgeschlossen und festgehalten, damit niemand doppelt angelegt oder angeschrieben wird. Mit dem Rest können Sie beim nächsten Mal weitermachen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Stop and close</source>
        <translation>&amp;Anhalten und schließen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Keep going</source>
        <translation>&amp;Weitermachen</translation>
    </message>
</context>
<context>
    <name>PortalPage</name>
    <message>
        <location filename="../../c2t_wizard/ui/pages/portal.py" line="+467"/>
        <source>Invite your staff to the Call2Teams portal</source>
        <translation>Ihre Mitarbeiter in das Call2Teams-Portal einladen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Each person gets an invitation at their real work email and accepts it with their new Microsoft account. Choose the account and each person&apos;s roles.</source>
        <translation>Jede Person erhält eine Einladung an ihre echte geschäftliche E-Mail-Adresse und nimmt sie mit ihrem neuen Microsoft-Konto an. Wählen Sie das Konto und die Rollen jeder Person.</translation>
    </message>
    <message>
        <location line="-35"/>
        <source>Call2Teams account to invite into</source>
        <translation>Call2Teams-Konto, in das eingeladen wird</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Account:</source>
        <translation>&amp;Konto:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check a&amp;gain</source>
        <translation>&amp;Noch einmal prüfen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check again which Call2Teams accounts you administer</source>
        <translation>Noch einmal prüfen, welche Call2Teams-Konten Sie verwalten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Invite in the &amp;browser instead</source>
        <translation>Stattdessen im &amp;Browser einladen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>People and their portal invitations</source>
        <translation>Personen und ihre Portal-Einladungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;People (double-click an email to change it):</source>
        <translation>&amp;Personen (Doppelklick auf eine E-Mail-Adresse, um sie zu ändern):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Invite all</source>
        <translation>Alle &amp;einladen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Invite selec&amp;ted</source>
        <translation>&amp;Ausgewählte einladen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Retry failed</source>
        <translation>Fehlgeschlagene &amp;wiederholen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Withdraw</source>
        <translation>&amp;Zurückziehen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Withdraw the selected invitations</source>
        <translation>Die ausgewählten Einladungen zurückziehen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check &amp;who accepted</source>
        <translation>Prüfen, wer &amp;angenommen hat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Stop</source>
        <translation>&amp;Anhalten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop after the invitations on their way</source>
        <translation>Nach den laufenden Einladungen anhalten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In the Call2Teams portal</source>
        <translation>Im Call2Teams-Portal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open the portal</source>
        <translation>Portal ö&amp;ffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>First name</source>
        <translation>Vorname</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last name</source>
        <translation>Nachname</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chose “Copy link” in the portal? Paste the activation link here</source>
        <translation>„Copy link“ im Portal gewählt? Fügen Sie den Aktivierungslink hier ein</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How to send the activation link</source>
        <translation>Wie der Aktivierungslink gesendet wird</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Done: invited</source>
        <translation>&amp;Erledigt: eingeladen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;kip</source>
        <translation>Ü&amp;berspringen</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Getting the list of people ready…</source>
        <translation>Die Liste der Personen wird vorbereitet …</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The journal isn&apos;t open yet. Go back and forward again.</source>
        <translation>Das Protokoll ist noch nicht geöffnet. Gehen Sie zurück und wieder vor.</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>Portal invitations are being sent.</source>
        <translation>Portal-Einladungen werden gesendet.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Stopping after the invitations on their way…</source>
        <translation>Anhalten nach den laufenden Einladungen …</translation>
    </message>
    <message>
        <location line="+731"/>
        <source>{name} (your partner account)</source>
        <translation>{name} (Ihr Partnerkonto)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>↳ {name} (in “My Customer Portal”)</source>
        <translation>↳ {name} (unter „My Customer Portal“)</translation>
    </message>
    <message>
        <location line="-692"/>
        <source>None: you administer no Call2Teams account</source>
        <translation>Keines: Sie verwalten kein Call2Teams-Konto</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>You aren&apos;t an administrator of any Call2Teams account yet, so there is nowhere to invite your staff. Ask Call2Teams, or an Account Owner of your partner account, to invite you to your partner account; accept the invitation, then choose “Check again”. Or invite each person yourself in the Call2Teams portal in your browser; the wizard shows what to enter.</source>
        <translation>Sie sind noch bei keinem Call2Teams-Konto Administrator, daher gibt es nichts, wohin Sie Ihre Mitarbeitenden einladen können. Bitten Sie Call2Teams oder einen Kontoinhaber (Account Owner) Ihres Partnerkontos, Sie in Ihr Partnerkonto einzuladen; nehmen Sie die Einladung an und wählen Sie dann „Noch einmal prüfen“. Oder laden Sie jede Person selbst im Call2Teams-Portal in Ihrem Browser ein; der Assistent zeigt, was einzugeben ist.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The portal&apos;s accounts couldn&apos;t be read: {why}</source>
        <translation>Die Konten des Portals konnten nicht gelesen werden: {why}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Nobody to invite: no one was created.</source>
        <translation>Niemand einzuladen: Es wurde niemand angelegt.</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>The list of people couldn&apos;t be read: {why}</source>
        <translation>Die Liste der Personen konnte nicht gelesen werden: {why}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>enter the person&apos;s work email</source>
        <translation>geben Sie die geschäftliche E-Mail-Adresse der Person ein</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>this is not an email address</source>
        <translation>das ist keine E-Mail-Adresse</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>this is their new Microsoft username, which gets no mail: enter their real work email</source>
        <translation>das ist ihr neuer Microsoft-Benutzername, der keine E-Mails empfängt: Geben Sie ihre echte geschäftliche E-Mail-Adresse ein</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>addresses on onmicrosoft.com get no mail here: enter their real work email</source>
        <translation>Adressen auf onmicrosoft.com empfangen hier keine E-Mails: Geben Sie die echte geschäftliche E-Mail-Adresse ein</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>this address is on your Microsoft organisation&apos;s own domain, where their new account has no mailbox: make sure they really get mail there</source>
        <translation>diese Adresse liegt auf einer Domain Ihrer Microsoft-Organisation, wo das neue Konto kein Postfach hat: Stellen Sie sicher, dass die Person dort wirklich E-Mails erhält</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the invitation expired unused: invite again</source>
        <translation>die Einladung ist ungenutzt abgelaufen: Laden Sie erneut ein</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the portal didn&apos;t accept the wizard&apos;s sign-in: check the portal API settings</source>
        <translation>das Portal hat die Anmeldung des Assistenten nicht akzeptiert: Prüfen Sie die Einstellungen der Portal-API</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>you may not invite administrators on this account (only its Account Administrators can)</source>
        <translation>Sie dürfen in diesem Konto keine Administratoren einladen (das können nur seine Kontoadministratoren)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the portal refused the invitation</source>
        <translation>das Portal hat die Einladung abgelehnt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the portal doesn&apos;t know this account</source>
        <translation>das Portal kennt dieses Konto nicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the portal is busy right now: retry in a few minutes</source>
        <translation>das Portal ist gerade ausgelastet: Versuchen Sie es in einigen Minuten erneut</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the portal can&apos;t be reached: check your internet connection</source>
        <translation>das Portal ist nicht erreichbar: Prüfen Sie Ihre Internetverbindung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>something unexpected went wrong in the portal</source>
        <translation>im Portal ist etwas Unerwartetes schiefgegangen</translation>
    </message>
    <message numerus="yes">
        <location line="+26"/>
        <source>Roles for the %n selected person(s)</source>
        <translation>
            <numerusform>Rollen für die %n ausgewählte Person</numerusform>
            <numerusform>Rollen für die %n ausgewählten Personen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Roles for everyone (select people to give them other roles)</source>
        <translation>Rollen für alle (wählen Sie Personen aus, um ihnen andere Rollen zu geben)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Included in Account Administrator.</source>
        <translation>In Kontoadministrator enthalten.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Everyone needs at least one role.</source>
        <translation>Jede Person braucht mindestens eine Rolle.</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Not sent to {name}: {why}.</source>
        <translation>Nicht an {name} gesendet: {why}.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Nobody left to invite.</source>
        <translation>Niemand mehr einzuladen.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>%v of %m answered</source>
        <translation>%v von %m beantwortet</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Inviting %n person(s)…</source>
        <translation>
            <numerusform>%n Person wird eingeladen …</numerusform>
            <numerusform>%n Personen werden eingeladen …</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+24"/>
        <source>%n of {total} answered…</source>
        <translation>
            <numerusform>%n von {total} beantwortet …</numerusform>
            <numerusform>%n von {total} beantwortet …</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>%n invited</source>
        <translation>
            <numerusform>%n eingeladen</numerusform>
            <numerusform>%n eingeladen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n already invited</source>
        <translation>
            <numerusform>%n bereits eingeladen</numerusform>
            <numerusform>%n bereits eingeladen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <location line="+364"/>
        <source>%n failed</source>
        <translation>
            <numerusform>%n fehlgeschlagen</numerusform>
            <numerusform>%n fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="-362"/>
        <source>%n not sent (stopped)</source>
        <translation>
            <numerusform>%n nicht gesendet (angehalten)</numerusform>
            <numerusform>%n nicht gesendet (angehalten)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done: {counts}.</source>
        <translation>Fertig: {counts}.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The invitations stopped: {why}</source>
        <translation>Die Einladungen wurden unterbrochen: {why}</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Select people with an invitation to withdraw.</source>
        <translation>Wählen Sie Personen mit einer Einladung aus, um sie zurückzuziehen.</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>Withdrawing %n invitation(s)…</source>
        <translation>
            <numerusform>%n Einladung wird zurückgezogen …</numerusform>
            <numerusform>%n Einladungen werden zurückgezogen …</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+29"/>
        <source>%n invitation(s) couldn&apos;t be withdrawn: {why}</source>
        <translation>
            <numerusform>%n Einladung konnte nicht zurückgezogen werden: {why}</numerusform>
            <numerusform>%n Einladungen konnten nicht zurückgezogen werden: {why}</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Recorded as withdrawn. Remove the invitation in the portal too: Account, then Administrators, then the trash can next to the person.</source>
        <translation>Als zurückgezogen vermerkt. Entfernen Sie die Einladung auch im Portal: Account, dann Administrators, dann der Papierkorb neben der Person.</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n invitation(s) withdrawn.</source>
        <translation>
            <numerusform>%n Einladung zurückgezogen.</numerusform>
            <numerusform>%n Einladungen zurückgezogen.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Asking the portal who accepted…</source>
        <translation>Das Portal wird gefragt, wer angenommen hat …</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Your browser didn&apos;t open. Open {url} yourself.</source>
        <translation>Ihr Browser hat sich nicht geöffnet. Öffnen Sie {url} selbst.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Click Invite all (or select people and Invite selected): the wizard opens the portal and walks you through each person.</source>
        <translation>Klicken Sie auf „Alle einladen“ (oder wählen Sie Personen aus und klicken Sie auf „Ausgewählte einladen“): Der Assistent öffnet das Portal und führt Sie durch jede Person.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>“My Customer Portal” (if shown) → {account}</source>
        <translation>„My Customer Portal“ (falls angezeigt) → {account}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Account</source>
        <translation>Account</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>“Invite Administrative User”</source>
        <translation>„Invite Administrative User“</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Now: {name}</source>
        <translation>Jetzt: {name}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>In the portal: {path}.</source>
        <translation>Im Portal: {path}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Tick: {roles}.</source>
        <translation>Ankreuzen: {roles}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>({roles} come with it.)</source>
        <translation>({roles} sind darin enthalten.)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Then Send, or choose Copy link and paste the link below.</source>
        <translation>Dann senden, oder „Copy link“ wählen und den Link unten einfügen.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Copied: paste it into the portal&apos;s form.</source>
        <translation>Kopiert: Fügen Sie es in das Formular des Portals ein.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Send from your mailbox</source>
        <translation>Aus Ihrem Postfach senden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open in your mail app</source>
        <translation>In Ihrer Mail-App öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy the message</source>
        <translation>Die Nachricht kopieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Print or save (PDF)</source>
        <translation>Drucken oder speichern (PDF)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>That doesn&apos;t look like a link: copy it from the portal again.</source>
        <translation>Das sieht nicht wie ein Link aus: Kopieren Sie ihn erneut aus dem Portal.</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Sending the link to {email}…</source>
        <translation>Der Link wird an {email} gesendet …</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The link was sent to {email}.</source>
        <translation>Der Link wurde an {email} gesendet.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Your mail app didn&apos;t open. Choose another way.</source>
        <translation>Ihre Mail-App hat sich nicht geöffnet. Wählen Sie einen anderen Weg.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The message is open in your mail app: send it.</source>
        <translation>Die Nachricht ist in Ihrer Mail-App geöffnet: Senden Sie sie.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The message is on the clipboard: paste it into a mail to {email}.</source>
        <translation>Die Nachricht ist in der Zwischenablage: Fügen Sie sie in eine E-Mail an {email} ein.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>portal-invitation.pdf</source>
        <translation>portal-einladung.pdf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the invitation</source>
        <translation>Die Einladung speichern</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Saved to {path}.</source>
        <translation>Gespeichert unter {path}.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The link couldn&apos;t be sent ({why}). Choose another way and paste the link again.</source>
        <translation>Der Link konnte nicht gesendet werden ({why}). Wählen Sie einen anderen Weg und fügen Sie den Link erneut ein.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Guided: you invite each person in the Call2Teams portal ({url}); the wizard shows what to enter and keeps track. To invite automatically instead, set up the portal API (C2T_PORTAL_URL and an API key).</source>
        <translation>Geführt: Sie laden jede Person im Call2Teams-Portal ({url}) ein; der Assistent zeigt, was einzugeben ist, und behält den Überblick. Um stattdessen automatisch einzuladen, richten Sie die Portal-API ein (C2T_PORTAL_URL und ein API-Schlüssel).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The wizard sends the invitations through the Call2Teams portal API. To invite by hand in the browser instead, remove the portal API settings and start the wizard again.</source>
        <translation>Der Assistent sendet die Einladungen über die API des Call2Teams-Portals. Um stattdessen von Hand im Browser einzuladen, entfernen Sie die Einstellungen der Portal-API und starten Sie den Assistenten neu.</translation>
    </message>
    <message numerus="yes">
        <location line="+30"/>
        <source>%n of {total} invited</source>
        <translation>
            <numerusform>%n von {total} eingeladen</numerusform>
            <numerusform>%n von {total} eingeladen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n accepted</source>
        <translation>
            <numerusform>%n angenommen</numerusform>
            <numerusform>%n angenommen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n with an email to fix</source>
        <translation>
            <numerusform>%n mit zu korrigierender E-Mail-Adresse</numerusform>
            <numerusform>%n mit zu korrigierender E-Mail-Adresse</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PortalRoles</name>
    <message>
        <location line="-1241"/>
        <source>Account Administrator</source>
        <translation>Kontoadministrator (Account Administrator)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Service Contributor</source>
        <translation>Service Contributor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Service Viewer</source>
        <translation>Service Viewer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subscription Contributor</source>
        <translation>Subscription Contributor</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Also called Account Owner: can invite other administrators and view and edit customer data; includes Service Contributor and Service Viewer.</source>
        <translation>Auch Account Owner genannt: kann weitere Administratoren einladen und Kundendaten sehen und ändern; umfasst Service Contributor und Service Viewer.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A support agent: can edit customer data and services, but make no commercial transactions.</source>
        <translation>Support-Mitarbeiter: kann Kundendaten und Dienste ändern, aber keine kaufmännischen Vorgänge auslösen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Can see customers&apos; services and users, without changing anything.</source>
        <translation>Kann Dienste und Benutzer der Kunden sehen, ohne etwas zu ändern.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Can create customer accounts under this one.</source>
        <translation>Kann unter diesem Konto Kundenkonten anlegen.</translation>
    </message>
</context>
<context>
    <name>PortalTableModel</name>
    <message>
        <location filename="../../c2t_wizard/ui/portal_model.py" line="+199"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft username</source>
        <translation>Microsoft-Benutzername</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Invitation email</source>
        <translation>E-Mail für die Einladung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Roles</source>
        <translation>Rollen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Invitation</source>
        <translation>Einladung</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Invited: the invitation&apos;s link works until {when}</source>
        <translation>Eingeladen: Der Link der Einladung funktioniert bis {when}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Invited (until {when})</source>
        <translation>Eingeladen (bis {when})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Inviting…</source>
        <translation>Wird eingeladen …</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not sent: {why}</source>
        <translation>Nicht gesendet: {why}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check the email: {why}</source>
        <translation>E-Mail-Adresse prüfen: {why}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not invited yet</source>
        <translation>Noch nicht eingeladen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not known whether it was sent: invite again (it won&apos;t be sent twice)</source>
        <translation>Unklar, ob sie gesendet wurde: Laden Sie erneut ein (sie wird nicht doppelt gesendet)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Invited</source>
        <translation>Eingeladen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Already invited</source>
        <translation>Bereits eingeladen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Accepted: an administrator now</source>
        <translation>Angenommen: jetzt Administrator</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Invitation withdrawn</source>
        <translation>Einladung zurückgezogen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed: {why}</source>
        <translation>Fehlgeschlagen: {why}</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <location filename="../../c2t_wizard/ui/report_words.py" line="+26"/>
        <source>by email</source>
        <translation>per Mail</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>with your mail app</source>
        <translation>mit Ihrem Mailprogramm</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>copied</source>
        <translation>kopiert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on the welcome sheet</source>
        <translation>auf dem Begrüßungsblatt</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Not created: {why}</source>
        <translation>Nicht angelegt: {why}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Already existed (left as it was)</source>
        <translation>Gab es schon (unverändert gelassen)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not created yet</source>
        <translation>Noch nicht angelegt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not created</source>
        <translation>Nicht angelegt</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Delivered {how}, {when}</source>
        <translation>Zugestellt {how}, {when}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Handed over {how}, not confirmed</source>
        <translation>Übergeben {how}, nicht bestätigt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not needed</source>
        <translation>Nicht nötig</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not delivered yet</source>
        <translation>Noch nicht zugestellt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not delivered</source>
        <translation>Nicht zugestellt</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not invited: {why}</source>
        <translation>Nicht eingeladen: {why}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Accepted</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Invited</source>
        <translation>Eingeladen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Already invited</source>
        <translation>Bereits eingeladen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{status}, open until {when}</source>
        <translation>{status}, gültig bis {when}</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+4"/>
        <source>Not invited</source>
        <translation>Nicht eingeladen</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Not invited yet</source>
        <translation>Noch nicht eingeladen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not answered yet</source>
        <translation>Noch keine Antwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Invitation withdrawn</source>
        <translation>Einladung zurückgezogen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Microsoft refused the password</source>
        <translation>Microsoft hat das Kennwort abgelehnt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the domain isn&apos;t verified in your organisation</source>
        <translation>die Domäne ist in Ihrer Organisation nicht bestätigt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft refused a value</source>
        <translation>Microsoft hat einen Wert abgelehnt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the address is already used by a group or shared mailbox: choose another username</source>
        <translation>die Adresse gehört schon einer Gruppe oder einem freigegebenen Postfach: Wählen Sie einen anderen Benutzernamen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>you aren&apos;t allowed to create users; sign in as an administrator</source>
        <translation>Sie dürfen keine Benutzer anlegen; melden Sie sich als Administrator an</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Microsoft was too busy</source>
        <translation>Microsoft war zu ausgelastet</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+13"/>
        <source>no connection to Microsoft</source>
        <translation>keine Verbindung zu Microsoft</translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+13"/>
        <source>Microsoft had a problem</source>
        <translation>Microsoft hatte ein Problem</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>the mail bounced: the address doesn&apos;t receive mail</source>
        <translation>die Mail kam unzustellbar zurück: An diese Adresse kommt keine Mail an</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the mail may or may not have arrived</source>
        <translation>unklar, ob die Mail angekommen ist</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not delivered</source>
        <translation>nicht zugestellt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>your account has no mailbox to send from</source>
        <translation>Ihr Konto hat kein Postfach zum Senden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft refused to send mail from your account</source>
        <translation>Microsoft hat das Senden von Ihrem Konto abgelehnt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>permission to send mail was not given</source>
        <translation>die Erlaubnis zum Senden von Mails wurde nicht erteilt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>your sign-in has expired</source>
        <translation>Ihre Anmeldung ist abgelaufen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft refused the work email address</source>
        <translation>Microsoft hat die geschäftliche Mailadresse abgelehnt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft was busy</source>
        <translation>Microsoft war ausgelastet</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the account no longer exists</source>
        <translation>das Konto gibt es nicht mehr</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>you may not reset this person&apos;s password</source>
        <translation>Sie dürfen das Kennwort dieser Person nicht zurücksetzen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>your Sent Items couldn&apos;t be checked</source>
        <translation>Ihre gesendeten Elemente konnten nicht geprüft werden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the invitation expired unused</source>
        <translation>die Einladung ist ungenutzt abgelaufen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the portal didn&apos;t accept the wizard&apos;s sign-in</source>
        <translation>das Portal hat die Anmeldung des Assistenten nicht angenommen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>you may not invite administrators on this account</source>
        <translation>Sie dürfen in diesem Konto keine Administratoren einladen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the portal refused the invitation</source>
        <translation>das Portal hat die Einladung abgelehnt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the portal doesn&apos;t know this account</source>
        <translation>das Portal kennt dieses Konto nicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the portal was busy</source>
        <translation>das Portal war ausgelastet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the portal couldn&apos;t be reached</source>
        <translation>das Portal war nicht erreichbar</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>something unexpected went wrong</source>
        <translation>etwas Unerwartetes ist schiefgegangen</translation>
    </message>
</context>
<context>
    <name>ReportPdf</name>
    <message>
        <location filename="../../c2t_wizard/ui/report_pdf.py" line="+38"/>
        <location line="+101"/>
        <source>Onboarding summary</source>
        <translation>Zusammenfassung des Onboardings</translation>
    </message>
    <message>
        <location line="-98"/>
        <source>{ok} of {people} people fully onboarded; created {created}, invited {invited}.</source>
        <translation>{ok} von {people} Personen vollständig eingerichtet; angelegt: {created}, eingeladen: {invited}.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Username and work email</source>
        <translation>Benutzername und geschäftliche Mailadresse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in details</source>
        <translation>Anmeldedaten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Portal invitation</source>
        <translation>Einladung ins Portal</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <location filename="../../c2t_wizard/ui/pages/sign_in.py" line="+521"/>
        <source>Sign in to Microsoft</source>
        <translation>Bei Microsoft anmelden</translation>
    </message>
    <message>
        <location line="-74"/>
        <source>&amp;Sign in with Microsoft</source>
        <translation>Mit Microsoft &amp;anmelden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in with Microsoft in your browser</source>
        <translation>Im Browser mit Microsoft anmelden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your browser opens Microsoft&apos;s sign-in page. Come back here when you&apos;re done.</source>
        <translation>Ihr Browser öffnet die Anmeldeseite von Microsoft. Kommen Sie danach hierher zurück.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign in with a &amp;code instead</source>
        <translation>Stattdessen mit &amp;Code anmelden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in with a code instead</source>
        <translation>Stattdessen mit Code anmelden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You get a short code to type in on another device, for example your phone.</source>
        <translation>Sie erhalten einen kurzen Code, den Sie auf einem anderen Gerät eingeben, zum Beispiel auf Ihrem Handy.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign in as the &amp;demo administrator</source>
        <translation>Als &amp;Demo-Administrator anmelden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in as the demo administrator</source>
        <translation>Als Demo-Administrator anmelden</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Microsoft&apos;s sign-in page is open in your browser. Sign in there with your administrator account and accept the permissions; then come back to this window.</source>
        <translation>Die Anmeldeseite von Microsoft ist in Ihrem Browser geöffnet. Melden Sie sich dort mit Ihrem Administratorkonto an und akzeptieren Sie die Berechtigungen; kommen Sie dann zu diesem Fenster zurück.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Don&apos;t see it? Check your browser&apos;s windows and tabs, or cancel and choose “Sign in with a code instead”.</source>
        <translation>Nicht zu sehen? Schauen Sie in die Fenster und Tabs Ihres Browsers, oder brechen Sie ab und wählen Sie „Stattdessen mit Code anmelden“.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1.  On this computer or on your phone, open this page:</source>
        <translation>1.  Öffnen Sie auf diesem Computer oder auf Ihrem Handy diese Seite:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>2.  Type in this &amp;code:</source>
        <translation>2.  Geben Sie diesen &amp;Code ein:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Co&amp;py code</source>
        <translation>Code ko&amp;pieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy the code to the clipboard</source>
        <translation>Den Code in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+25"/>
        <source>Copied.</source>
        <translation>Kopiert.</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>Organisation</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft domain</source>
        <translation>Microsoft-Domäne</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed in as</source>
        <translation>Angemeldet als</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Or&amp;ganisation:</source>
        <translation>&amp;Organisation:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft do&amp;main:</source>
        <translation>Microsoft-&amp;Domäne:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed &amp;in as:</source>
        <translation>Angemeldet a&amp;ls:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check your role again</source>
        <translation>Ihre Rolle erneut prüfen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use &amp;another account</source>
        <translation>Anderes &amp;Konto verwenden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in with another account</source>
        <translation>Mit einem anderen Konto anmelden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign &amp;out</source>
        <translation>&amp;Abmelden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign out and forget this sign-in</source>
        <translation>Abmelden und diese Anmeldung vergessen</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>&amp;Check again</source>
        <translation>Erneut &amp;prüfen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Allow adding &amp;users</source>
        <translation>&amp;Benutzer hinzufügen erlauben</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Allow the wizard to create users and reset passwords</source>
        <translation>Dem Assistenten erlauben, Benutzer anzulegen und Kennwörter zurückzusetzen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Link for your administrator</source>
        <translation>Link für Ihren Administrator</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy &amp;link</source>
        <translation>L&amp;ink kopieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy the link for your administrator</source>
        <translation>Den Link für Ihren Administrator kopieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tr&amp;y again</source>
        <translation>Erneut &amp;versuchen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Try again after an administrator approved</source>
        <translation>Erneut versuchen, nachdem ein Administrator zugestimmt hat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ca&amp;ncel</source>
        <translation>Abb&amp;rechen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel signing in</source>
        <translation>Anmeldung abbrechen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Try again</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Read your organisation&apos;s details again</source>
        <translation>Die Angaben Ihrer Organisation erneut abrufen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>D&amp;etails</source>
        <translation>De&amp;tails</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the technical details</source>
        <translation>Technische Details anzeigen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Technical details</source>
        <translation>Technische Details</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Remember my sign-in in a file on this computer (not encrypted)</source>
        <translation>Anmeldung in einer Datei auf diesem Computer &amp;merken (unverschlüsselt)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remember my sign-in in a file on this computer, not encrypted</source>
        <translation>Anmeldung in einer Datei auf diesem Computer merken, unverschlüsselt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Anyone who can read your files on this computer could use your sign-in.</source>
        <translation>Wer Ihre Dateien auf diesem Computer lesen kann, könnte Ihre Anmeldung verwenden.</translation>
    </message>
    <message>
        <location line="+106"/>
        <source>Getting a code from Microsoft…</source>
        <translation>Code wird bei Microsoft angefordert …</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Signing in as {username}…</source>
        <translation>Anmeldung als {username} …</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Your browser didn&apos;t open. Type the address into a browser yourself: {url}</source>
        <translation>Der Browser hat sich nicht geöffnet. Geben Sie die Adresse bitte selbst in einen Browser ein: {url}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Microsoft asks you in your browser to allow adding users. Finish there…</source>
        <translation>Microsoft fragt Sie im Browser, ob Sie das Hinzufügen von Benutzern erlauben. Schließen Sie es dort ab…</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>A request to allow the wizard was sent to the administrators of {org}. Once one of them has approved it, choose “Try again”.</source>
        <translation>Eine Anfrage, den Assistenten zuzulassen, wurde an die Administratoren von {org} gesendet. Sobald einer von ihnen zugestimmt hat, wählen Sie „Erneut versuchen“.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only an administrator can allow the wizard to add users in {org}. Ask a {approvers} to open this link and accept (the page it ends on may not load; that&apos;s fine), or to sign in here once and tick “Consent on behalf of your organization”. Then choose “Try again”.</source>
        <translation>Nur ein Administrator kann dem Assistenten erlauben, in {org} Benutzer hinzuzufügen. Bitten Sie einen {approvers}, diesen Link zu öffnen und zuzustimmen (die Seite, auf der er endet, lädt eventuell nicht; das ist in Ordnung), oder sich hier einmal anzumelden und „Zustimmung im Namen Ihrer Organisation erteilen“ anzukreuzen. Wählen Sie danach „Erneut versuchen“.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Cloud Application Administrator</source>
        <translation>Cloudanwendungsadministrator</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Application Administrator</source>
        <translation>Anwendungsadministrator</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Signing out…</source>
        <translation>Abmeldung läuft …</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Finish signing in in your browser…</source>
        <translation>Schließen Sie die Anmeldung in Ihrem Browser ab …</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Checking whether you&apos;re already signed in…</source>
        <translation>Es wird geprüft, ob Sie bereits angemeldet sind …</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Your earlier sign-in has expired. Please sign in again.</source>
        <translation>Ihre frühere Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.</translation>
    </message>
    <message>
        <location line="+183"/>
        <source>Open {url} in your browser</source>
        <translation>{url} im Browser öffnen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your code: {code}</source>
        <translation>Ihr Code: {code}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>3.  Sign in there with your administrator account. This window carries on by itself. The code works until {time}.</source>
        <translation>3.  Melden Sie sich dort mit Ihrem Administratorkonto an. Dieses Fenster macht dann von selbst weiter. Der Code gilt bis {time} Uhr.</translation>
    </message>
    <message>
        <location line="-172"/>
        <source>Your browser couldn&apos;t be opened, so sign in with a code instead. Waiting for you to enter the code…</source>
        <translation>Der Browser ließ sich nicht öffnen, deshalb melden Sie sich stattdessen mit einem Code an. Warten auf Ihre Eingabe des Codes …</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Waiting for you to enter the code…</source>
        <translation>Warten auf Ihre Eingabe des Codes …</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Signed in as {username}. Reading your organisation&apos;s details…</source>
        <translation>Angemeldet als {username}. Die Angaben Ihrer Organisation werden abgerufen …</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Your sign-in has expired. Please sign in again.</source>
        <translation>Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>We couldn&apos;t read your organisation&apos;s details from Microsoft.</source>
        <translation>Die Angaben Ihrer Organisation ließen sich nicht von Microsoft abrufen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check your internet connection, then try again.</source>
        <translation>Prüfen Sie Ihre Internetverbindung und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Try again in a moment.</source>
        <translation>Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>You&apos;re signed out. Sign in again to go on.</source>
        <translation>Sie sind abgemeldet. Melden Sie sich erneut an, um fortzufahren.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>You&apos;re signed out, but the sign-in couldn&apos;t be removed from this computer.</source>
        <translation>Sie sind abgemeldet, aber die Anmeldung ließ sich nicht von diesem Computer entfernen.</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>The file for your sign-in couldn&apos;t be written, so nothing changed.</source>
        <translation>Die Datei für Ihre Anmeldung ließ sich nicht schreiben, daher hat sich nichts geändert.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Your sign-in is kept encrypted on this computer.</source>
        <translation>Ihre Anmeldung wird verschlüsselt auf diesem Computer gespeichert.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This computer has no secure place where the wizard can keep your sign-in, so it won&apos;t remember you after you close it: you&apos;ll sign in again next time.</source>
        <translation>Auf diesem Computer gibt es keinen sicheren Ort, an dem der Assistent Ihre Anmeldung aufbewahren kann. Nach dem Schließen vergisst er sie daher: Beim nächsten Mal melden Sie sich erneut an.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your sign-in is remembered in a file on this computer that only your user account can read. It isn&apos;t encrypted: untick the box to forget it when you close the wizard.</source>
        <translation>Ihre Anmeldung wird in einer Datei auf diesem Computer gespeichert, die nur Ihr Benutzerkonto lesen kann. Sie ist nicht verschlüsselt: Entfernen Sie das Häkchen, damit sie beim Schließen des Assistenten vergessen wird.</translation>
    </message>
    <message>
        <location line="+93"/>
        <source>(no name)</source>
        <translation>(ohne Namen)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{name} ({username})</source>
        <translation>{name} ({username})</translation>
    </message>
    <message>
        <location line="-75"/>
        <source>This account belongs to {org}, not to {expected}. Choose “Use another account” and sign in with an account of {expected}.</source>
        <translation>Dieses Konto gehört zu {org}, nicht zu {expected}. Wählen Sie „Anderes Konto verwenden“ und melden Sie sich mit einem Konto von {expected} an.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>You can add users: you&apos;re a {role}.</source>
        <translation>Sie können Benutzer hinzufügen: Sie haben die Rolle „{role}“.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>We couldn&apos;t check your role in {org}, so you can try: adding users works if you&apos;re a Global Administrator or User Administrator.</source>
        <translation>Wir konnten Ihre Rolle in {org} nicht prüfen. Sie können es trotzdem versuchen: Benutzer hinzufügen klappt, wenn Sie globaler Administrator oder Benutzeradministrator sind.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>You are eligible for {role} but the role is not active. Activate it in Microsoft Entra (Privileged Identity Management), then sign in again or choose “Check again”.</source>
        <translation>Sie sind für die Rolle {role} berechtigt, aber sie ist nicht aktiv. Aktivieren Sie sie in Microsoft Entra (Privileged Identity Management) und melden Sie sich dann erneut an oder wählen Sie „Erneut prüfen“.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>If your role is managed in Privileged Identity Management, the wizard can&apos;t see whether you are eligible for it: activate it in Microsoft Entra first.</source>
        <translation>Wenn Ihre Rolle über Privileged Identity Management verwaltet wird, kann der Assistent nicht sehen, ob Sie für sie berechtigt sind: Aktivieren Sie sie zuerst in Microsoft Entra.</translation>
    </message>
    <message>
        <location line="-356"/>
        <location line="+397"/>
        <source>{first} or {last}</source>
        <translation>{first} oder {last}</translation>
    </message>
    <message>
        <location line="-396"/>
        <location line="+396"/>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <location line="-51"/>
        <source>{name} isn&apos;t allowed to add users to {org}. You need the {roles} role. A Global Administrator of your organisation can give it to you in the Microsoft 365 admin center, under Roles. Then choose “Check again”, or use another account.</source>
        <translation>{name} darf in {org} keine Benutzer hinzufügen. Dafür brauchen Sie die Rolle {roles}. Ein globaler Administrator Ihrer Organisation kann sie Ihnen im Microsoft 365 Admin Center unter „Rollen“ zuweisen. Wählen Sie danach „Erneut prüfen“ oder verwenden Sie ein anderes Konto.</translation>
    </message>
    <message>
        <location line="-354"/>
        <location line="+410"/>
        <source>Global Administrator</source>
        <translation>Globaler Administrator</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User Administrator</source>
        <translation>Benutzeradministrator</translation>
    </message>
    <message>
        <location line="-410"/>
        <location line="+411"/>
        <source>Privileged Role Administrator</source>
        <translation>Administrator für privilegierte Rollen</translation>
    </message>
    <message>
        <location line="-33"/>
        <source>To add people and set their passwords, the wizard needs permission to create users and reset passwords in {org}. Microsoft asks for it once; it may need an administrator&apos;s approval.</source>
        <translation>Um Personen hinzuzufügen und ihre Kennwörter festzulegen, braucht der Assistent die Berechtigung, in {org} Benutzer anzulegen und Kennwörter zurückzusetzen. Microsoft fragt einmal danach; eventuell muss ein Administrator zustimmen.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Global Reader</source>
        <translation>Globaler Leser</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Microsoft is busy right now and didn&apos;t answer, even after several tries. Wait a minute, then try again.</source>
        <translation>Microsoft ist gerade ausgelastet und hat auch nach mehreren Versuchen nicht geantwortet. Warten Sie eine Minute und versuchen Sie es dann noch einmal.</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+17"/>
        <source>Something went wrong while signing in. Try again; if it keeps happening, send the details below to Call2Teams support.</source>
        <translation>Bei der Anmeldung ist etwas schiefgelaufen. Versuchen Sie es erneut; wenn es wieder passiert, senden Sie die Details unten an den Call2Teams-Support.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Signing in took too long, so we stopped waiting. Please try again.</source>
        <translation>Die Anmeldung hat zu lange gedauert, deshalb haben wir das Warten beendet. Bitte versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The wizard needs your permission to add users. You (or your organisation&apos;s administrator) need to accept the permissions Microsoft shows. Sign in again and choose “Accept”.</source>
        <translation>Der Assistent braucht Ihre Erlaubnis, um Benutzer hinzuzufügen. Sie (oder der Administrator Ihrer Organisation) müssen die Berechtigungen akzeptieren, die Microsoft anzeigt. Melden Sie sich erneut an und wählen Sie „Akzeptieren“.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only an administrator can allow the wizard in your organisation: a Global Administrator, Privileged Role Administrator, Cloud Application Administrator or Application Administrator. Ask one of them to sign in here once and tick “Consent on behalf of your organization”, then try again.</source>
        <translation>Nur ein Administrator kann den Assistenten in Ihrer Organisation zulassen: ein globaler Administrator, Administrator für privilegierte Rollen, Cloudanwendungsadministrator oder Anwendungsadministrator. Bitten Sie einen von ihnen, sich hier einmal anzumelden und „Zustimmung im Namen Ihrer Organisation erteilen“ anzukreuzen, und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>A request to allow the wizard was sent to your organisation&apos;s administrators. Once one of them has approved it, try again.</source>
        <translation>Eine Anfrage, den Assistenten zuzulassen, wurde an die Administratoren Ihrer Organisation gesendet. Sobald einer von ihnen zugestimmt hat, versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your organisation asks for a second step when you sign in (for example a code on your phone). Choose “Sign in with Microsoft”: the browser lets you complete it.</source>
        <translation>Ihre Organisation verlangt bei der Anmeldung einen zweiten Schritt (zum Beispiel einen Code auf Ihrem Handy). Wählen Sie „Mit Microsoft anmelden“: Im Browser können Sie ihn abschließen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your organisation&apos;s security rules blocked this sign-in. Ask your IT administrator to allow it, or try again from a computer your organisation manages.</source>
        <translation>Die Sicherheitsregeln Ihrer Organisation haben diese Anmeldung blockiert. Bitten Sie Ihren IT-Administrator, sie zuzulassen, oder versuchen Sie es von einem Computer, den Ihre Organisation verwaltet.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Microsoft didn&apos;t accept that username and password, or the account is locked or disabled. Check them and try again.</source>
        <translation>Microsoft hat Benutzername und Kennwort nicht akzeptiert, oder das Konto ist gesperrt oder deaktiviert. Prüfen Sie die Angaben und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Microsoft doesn&apos;t know the organisation {tenant} yet. If you&apos;ve just created it, wait a minute and try again; otherwise go back and check its name.</source>
        <translation>Microsoft kennt die Organisation {tenant} noch nicht. Wenn Sie sie gerade erst erstellt haben, warten Sie eine Minute und versuchen Sie es erneut; gehen Sie andernfalls zurück und prüfen Sie den Namen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Microsoft couldn&apos;t find your organisation. Check the account and try again.</source>
        <translation>Microsoft konnte Ihre Organisation nicht finden. Prüfen Sie das Konto und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>We couldn&apos;t reach Microsoft. Check your internet connection, then try again.</source>
        <translation>Microsoft ist nicht erreichbar. Prüfen Sie Ihre Internetverbindung und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Please sign in again.</source>
        <translation>Bitte melden Sie sich erneut an.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your browser couldn&apos;t be opened. Choose “Sign in with a code instead”.</source>
        <translation>Der Browser ließ sich nicht öffnen. Wählen Sie „Stattdessen mit Code anmelden“.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This account isn&apos;t in the organisation {tenant}. Sign in with an account of that organisation.</source>
        <translation>Dieses Konto gehört nicht zur Organisation {tenant}. Melden Sie sich mit einem Konto dieser Organisation an.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Microsoft couldn&apos;t find this account. Check the username and try again.</source>
        <translation>Microsoft konnte dieses Konto nicht finden. Prüfen Sie den Benutzernamen und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The code has expired. Choose “Sign in with a code instead” to get a new one.</source>
        <translation>Der Code ist abgelaufen. Wählen Sie „Stattdessen mit Code anmelden“, um einen neuen zu erhalten.</translation>
    </message>
    <message>
        <location line="+83"/>
        <source>Practice only: signs in as {username}, without a browser.</source>
        <translation>Nur zum Üben: meldet Sie ohne Browser als {username} an.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Sign in with the administrator account of {tenant}. The wizard then checks that you&apos;re allowed to add users.</source>
        <translation>Melden Sie sich mit dem Administratorkonto von {tenant} an. Der Assistent prüft dann, ob Sie Benutzer hinzufügen dürfen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sign in with your organisation&apos;s administrator account. The wizard then checks that you&apos;re allowed to add users.</source>
        <translation>Melden Sie sich mit dem Administratorkonto Ihrer Organisation an. Der Assistent prüft dann, ob Sie Benutzer hinzufügen dürfen.</translation>
    </message>
</context>
<context>
    <name>SignupPage</name>
    <message>
        <location filename="../../c2t_wizard/ui/pages/signup.py" line="+183"/>
        <source>Create your Microsoft account</source>
        <translation>Microsoft-Konto erstellen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You sign up on Microsoft&apos;s website, in your browser. Keep this window open: it notices by itself when you&apos;re done.</source>
        <translation>Sie registrieren sich auf der Website von Microsoft in Ihrem Browser. Lassen Sie dieses Fenster geöffnet: Es bemerkt von selbst, wenn Sie fertig sind.</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>&amp;Open the sign-up page</source>
        <translation>&amp;Registrierungsseite öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open Microsoft&apos;s sign-up page in your browser</source>
        <translation>Die Registrierungsseite von Microsoft im Browser öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Copy name again</source>
        <translation>Namen erneut &amp;kopieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy the name to the clipboard again</source>
        <translation>Den Namen erneut in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps to follow</source>
        <translation>Diese Schritte sind zu tun</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>I&apos;ve finished &amp;signing up</source>
        <translation>Registrierung ist &amp;fertig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>I&apos;ve finished signing up: check now</source>
        <translation>Registrierung ist fertig: jetzt prüfen</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>Your browser didn&apos;t open. Open this address yourself: {url}</source>
        <translation>Der Browser hat sich nicht geöffnet. Öffnen Sie diese Adresse bitte selbst: {url}</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>“{name}” is on your clipboard: paste it when Microsoft asks for a domain name.</source>
        <translation>„{name}“ ist in der Zwischenablage: Fügen Sie es ein, wenn Microsoft nach einem Domänennamen fragt.</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>The sign-up page isn&apos;t ready yet. Press “Open the sign-up page” to try again.</source>
        <translation>Die Registrierungsseite ist noch nicht bereit. Klicken Sie auf „Registrierungsseite öffnen“, um es erneut zu versuchen.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Go back and choose a name for your organisation first.</source>
        <translation>Gehen Sie zurück und wählen Sie zuerst einen Namen für Ihre Organisation.</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>{domain} exists: your organisation&apos;s Microsoft tenant is ready.</source>
        <translation>{domain} ist da: Der Microsoft-Mandant Ihrer Organisation ist bereit.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Waiting for {domain} to appear…</source>
        <translation>Warten, bis {domain} erscheint …</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Waiting for {domain} to appear… We couldn&apos;t check at {time}; we&apos;ll try again.</source>
        <translation>Warten, bis {domain} erscheint … Die Prüfung um {time} hat nicht geklappt; wir versuchen es erneut.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting for {domain} to appear… (last checked {time})</source>
        <translation>Warten, bis {domain} erscheint … (zuletzt geprüft um {time})</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Open Microsoft&apos;s sign-up page with the button below. Under &lt;b&gt;Microsoft 365 Business Basic&lt;/b&gt;, select &lt;b&gt;Buy now&lt;/b&gt;.</source>
        <translation>Öffnen Sie die Registrierungsseite von Microsoft mit der Schaltfläche unten. Wählen Sie unter &lt;b&gt;Microsoft 365 Business Basic&lt;/b&gt; &lt;b&gt;Jetzt kaufen&lt;/b&gt;.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose 1 user (the staff you add in this wizard need no licence), the subscription length and billing you prefer, then enter an email address you already use: Microsoft sends setup and billing mail there.</source>
        <translation>Wählen Sie 1 Benutzer (die Mitarbeiter, die Sie in diesem Assistenten anlegen, brauchen keine Lizenz), die gewünschte Laufzeit und Abrechnung und geben Sie dann eine E-Mail-Adresse ein, die Sie bereits nutzen: Dorthin schickt Microsoft E-Mails zur Einrichtung und zur Rechnung.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Select &lt;b&gt;Set up account&lt;/b&gt; (if you&apos;re already signed in: &lt;b&gt;Create another account instead&lt;/b&gt;) and fill in your name, business phone, company size, company name and location, then the details about yourself.</source>
        <translation>Wählen Sie &lt;b&gt;Konto einrichten&lt;/b&gt; (wenn Sie bereits angemeldet sind: &lt;b&gt;Stattdessen ein anderes Konto erstellen&lt;/b&gt;) und geben Sie Ihren Namen, Ihre geschäftliche Telefonnummer, die Unternehmensgröße, den Namen und den Standort Ihres Unternehmens ein, danach die Angaben zu Ihrer Person.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose text or call, and type in the verification code Microsoft sends you.</source>
        <translation>Wählen Sie SMS oder Anruf und geben Sie den Bestätigungscode ein, den Microsoft Ihnen sendet.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Create your account: choose a username and, as the domain, paste &lt;b&gt;{name}&lt;/b&gt; (it&apos;s on your clipboard). Your address becomes {domain}. Then choose a password.</source>
        <translation>Erstellen Sie Ihr Konto: Wählen Sie einen Benutzernamen und fügen Sie als Domäne &lt;b&gt;{name}&lt;/b&gt; ein (er ist in der Zwischenablage). Ihre Adresse lautet dann {domain}. Wählen Sie danach ein Kennwort.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add a payment method and select &lt;b&gt;Place order&lt;/b&gt;. You&apos;re now the administrator of your organisation.</source>
        <translation>Fügen Sie eine Zahlungsmethode hinzu und wählen Sie &lt;b&gt;Bestellung aufgeben&lt;/b&gt;. Sie sind jetzt der Administrator Ihrer Organisation.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Come back here: this page notices by itself when your tenant exists.</source>
        <translation>Kommen Sie hierher zurück: Diese Seite bemerkt von selbst, wenn Ihr Mandant da ist.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Step {number}: {text}</source>
        <translation>Schritt {number}: {text}</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <location filename="../../c2t_wizard/ui/pages/summary.py" line="+224"/>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What happened to each person. Anything that went wrong says why, and Retry redoes just that step. Export keeps a copy (no passwords in it).</source>
        <translation>Was mit jeder Person geschehen ist. Was schiefging, sagt warum, und „Erneut versuchen“ wiederholt genau diesen Schritt. „Exportieren“ speichert eine Kopie (ohne Kennwörter).</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>People and what happened</source>
        <translation>Personen und was geschehen ist</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Retry for this person</source>
        <translation>Für diese Person e&amp;rneut versuchen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Export</source>
        <translation>&amp;Exportieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>As a spreadsheet (&amp;CSV)…</source>
        <translation>Als Tabelle (&amp;CSV) …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>As data (&amp;JSON)…</source>
        <translation>Als Daten (&amp;JSON) …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>As a document (&amp;PDF)…</source>
        <translation>Als Dokument (&amp;PDF) …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Onboard &amp;more people</source>
        <translation>&amp;Weitere Personen einrichten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start again with new people in the same organisation, without signing in again.</source>
        <translation>Mit neuen Personen in derselben Organisation neu beginnen, ohne sich erneut anzumelden.</translation>
    </message>
    <message numerus="yes">
        <location line="+37"/>
        <source>%n retry(s) are on their way.</source>
        <translation>
            <numerusform>%n neuer Versuch läuft.</numerusform>
            <numerusform>%n neue Versuche laufen.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The journal isn&apos;t open yet. Go back and forward again.</source>
        <translation>Das Protokoll ist noch nicht geöffnet. Gehen Sie zurück und wieder weiter.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Reading what happened…</source>
        <translation>Lese, was geschehen ist …</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Retrying for {name}…</source>
        <translation>Neuer Versuch für {name} …</translation>
    </message>
    <message>
        <location line="-223"/>
        <source>Spreadsheet (*.csv)</source>
        <translation>Tabelle (*.csv)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>onboarding-summary</source>
        <translation>onboarding-zusammenfassung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export the summary</source>
        <translation>Zusammenfassung exportieren</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>One row per person. Press Enter on Retry to try a failed step again.</source>
        <translation>Eine Zeile pro Person. Drücken Sie auf „Erneut versuchen“ die Eingabetaste, um einen fehlgeschlagenen Schritt zu wiederholen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;People and what happened:</source>
        <translation>&amp;Personen und was geschah:</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>The PDF is still being saved.</source>
        <translation>Das PDF wird noch gespeichert.</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Exporting…</source>
        <translation>Exportiere …</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>What happened couldn&apos;t be read: {why}</source>
        <translation>Was geschehen ist, konnte nicht gelesen werden: {why}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nobody was onboarded in this run.</source>
        <translation>In diesem Durchgang wurde niemand eingerichtet.</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>All %n person(s) are onboarded.</source>
        <translation>
            <numerusform>Die %n Person ist eingerichtet.</numerusform>
            <numerusform>Alle %n Personen sind eingerichtet.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n of {total} person(s) are fully onboarded; the others say what is missing.</source>
        <translation>
            <numerusform>%n von {total} Personen ist vollständig eingerichtet; bei den anderen steht, was fehlt.</numerusform>
            <numerusform>%n von {total} Personen sind vollständig eingerichtet; bei den anderen steht, was fehlt.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+47"/>
        <source>{name}: still not done: {why}</source>
        <translation>{name}: noch nicht erledigt: {why}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{name}: done.</source>
        <translation>{name}: erledigt.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{name}: the retry didn&apos;t work: {why}</source>
        <translation>{name}: der neue Versuch hat nicht geklappt: {why}</translation>
    </message>
    <message numerus="yes">
        <location line="+24"/>
        <source>Saving the PDF: %n of {total} people…</source>
        <translation>
            <numerusform>PDF wird gespeichert: %n von {total} Personen…</numerusform>
            <numerusform>PDF wird gespeichert: %n von {total} Personen…</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Saved to {path}.</source>
        <translation>Gespeichert unter {path}.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The summary couldn&apos;t be saved: {why}</source>
        <translation>Die Zusammenfassung konnte nicht gespeichert werden: {why}</translation>
    </message>
</context>
<context>
    <name>SummaryTableModel</name>
    <message>
        <location filename="../../c2t_wizard/ui/summary_model.py" line="+107"/>
        <source>Try again</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft account</source>
        <translation>Microsoft-Konto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in details</source>
        <translation>Anmeldedaten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Call2Teams portal</source>
        <translation>Call2Teams-Portal</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Retrying…</source>
        <translation>Neuer Versuch …</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Create this person&apos;s account again</source>
        <translation>Das Konto dieser Person erneut anlegen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send this person&apos;s sign-in details again by email</source>
        <translation>Die Anmeldedaten dieser Person erneut per Mail senden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Invite this person into the portal again</source>
        <translation>Diese Person erneut ins Portal einladen</translation>
    </message>
</context>
<context>
    <name>TenantNamePage</name>
    <message>
        <location filename="../../c2t_wizard/ui/pages/tenant_name.py" line="+221"/>
        <source>Choose your organisation&apos;s Microsoft name</source>
        <translation>Microsoft-Namen für Ihre Organisation wählen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Microsoft gives every organisation its own address. Your staff will sign in with it, for example anna@yourname.onmicrosoft.com.</source>
        <translation>Microsoft gibt jeder Organisation eine eigene Adresse. Damit melden sich Ihre Mitarbeitenden an, zum Beispiel anna@ihrname.onmicrosoft.com.</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>Organisation name</source>
        <translation>Name der Organisation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. Acme Plumbing Ltd</source>
        <translation>z. B. Muster Sanitär GmbH</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Organisation name:</source>
        <translation>&amp;Organisation:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft name</source>
        <translation>Microsoft-Name</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Followed by .onmicrosoft.com. Letters and digits only.</source>
        <translation>Gefolgt von .onmicrosoft.com. Nur Buchstaben und Ziffern.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. acmeplumbing</source>
        <translation>z. B. mustersanitaer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Microsoft name:</source>
        <translation>&amp;Microsoft-Name:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ends in .onmicrosoft.com</source>
        <translation>endet auf .onmicrosoft.com</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This becomes your organisation&apos;s Microsoft address. Choose carefully: it can&apos;t be changed later.</source>
        <translation>Das wird Ihre Microsoft-Adresse. Wählen Sie sorgfältig: Sie lässt sich später nicht ändern.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Try again</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Try the check again</source>
        <translation>Prüfung erneut versuchen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Free names you could &amp;use instead:</source>
        <translation>Freie Namen, die Sie stattdessen &amp;nutzen können:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Free names you could use instead</source>
        <translation>Freie Namen, die Sie stattdessen nutzen können</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Press Enter or double-click to use a name.</source>
        <translation>Drücken Sie die Eingabetaste oder doppelklicken Sie, um einen Namen zu übernehmen.</translation>
    </message>
    <message>
        <location line="+159"/>
        <source>Looking for free names you could use instead…</source>
        <translation>Suche nach freien Namen, die Sie stattdessen nutzen können …</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{domain}  — free</source>
        <translation>{domain}  – frei</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use {domain}</source>
        <translation>{domain} verwenden</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>We couldn&apos;t find a free alternative just now. Try a different name.</source>
        <translation>Gerade ließ sich keine freie Alternative finden. Versuchen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>We couldn&apos;t look for alternatives just now. Try another name.</source>
        <translation>Gerade konnten wir nicht nach Alternativen suchen. Versuchen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Type a name using letters and digits.</source>
        <translation>Geben Sie einen Namen aus Buchstaben und Ziffern ein.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Type your organisation&apos;s name, or choose a Microsoft name.</source>
        <translation>Geben Sie den Namen Ihrer Organisation ein oder wählen Sie einen Microsoft-Namen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Only letters and digits: remove {characters}</source>
        <translation>Nur Buchstaben und Ziffern: Entfernen Sie {characters}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Checking {domain}…</source>
        <translation>{domain} wird geprüft …</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{domain} looks free. Microsoft confirms it when you sign up.</source>
        <translation>{domain} scheint frei zu sein. Microsoft bestätigt das bei der Registrierung.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{domain} already belongs to another organisation. Pick another name or one of the suggestions below.</source>
        <translation>{domain} gehört bereits einer anderen Organisation. Wählen Sie einen anderen Namen oder einen der Vorschläge unten.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Microsoft doesn&apos;t accept {domain} as a name. Try another one.</source>
        <translation>Microsoft akzeptiert {domain} nicht als Namen. Versuchen Sie einen anderen.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>We couldn&apos;t check {domain} right now. Check your internet connection; you can try again.</source>
        <translation>Wir konnten {domain} gerade nicht prüfen. Bitte kontrollieren Sie Ihre Internetverbindung und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>That&apos;s a long name ({count} characters). Shorter names are easier for your staff to type; we suggest 27 or fewer.</source>
        <translation>Das ist ein langer Name ({count} Zeichen). Kürzere Namen lassen sich von Ihren Mitarbeitenden leichter eintippen; wir empfehlen höchstens 27.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>spaces</source>
        <translation>Leerzeichen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>“{char}”</source>
        <translation>„{char}“</translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message>
        <location filename="../../c2t_wizard/ui/users_model.py" line="+677"/>
        <source>The username {upn} is also on row {rows}; each person needs their own.</source>
        <translation>Der Benutzername {upn} steht auch in Zeile {rows}; jede Person braucht einen eigenen.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Type a display name, or a first or last name to make one from.</source>
        <translation>Geben Sie einen Anzeigenamen ein oder einen Vor- oder Nachnamen, aus dem er gebildet wird.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Type the person&apos;s real work email: their password and the portal invitation go there.</source>
        <translation>Geben Sie die tatsächliche geschäftliche E-Mail-Adresse der Person ein: Dorthin gehen ihr Kennwort und die Einladung zum Portal.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Microsoft doesn&apos;t allow {chars} in a username. Use letters a–z without accents, digits and . - _ &apos; ! # ^ ~.</source>
        <translation>Microsoft erlaubt {chars} nicht in einem Benutzernamen. Verwenden Sie Buchstaben a–z ohne Akzente und Umlaute, Ziffern und . - _ &apos; ! # ^ ~.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>A username can&apos;t end with a dot.</source>
        <translation>Ein Benutzername darf nicht mit einem Punkt enden.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A username can&apos;t start with a dot.</source>
        <translation>Ein Benutzername darf nicht mit einem Punkt beginnen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A domain can&apos;t start or end with a dot.</source>
        <translation>Eine Domäne darf nicht mit einem Punkt beginnen oder enden.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{domain} isn&apos;t one of your organisation&apos;s domains. Pick one from the list.</source>
        <translation>{domain} ist keine Domäne Ihrer Organisation. Wählen Sie eine aus der Liste.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{email} isn&apos;t a valid email address.</source>
        <translation>{email} ist keine gültige E-Mail-Adresse.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{email} is an address in your Microsoft organisation, which this person can&apos;t read yet. Type the email address they use today.</source>
        <translation>{email} ist eine Adresse in Ihrer Microsoft-Organisation, die diese Person noch nicht lesen kann. Geben Sie die E-Mail-Adresse ein, die sie heute verwendet.</translation>
    </message>
    <message>
        <location line="-62"/>
        <source>The first name is missing.</source>
        <translation>Der Vorname fehlt.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The last name is missing.</source>
        <translation>Der Nachname fehlt.</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+174"/>
        <source>The username is missing.</source>
        <translation>Der Benutzername fehlt.</translation>
    </message>
    <message>
        <location line="-173"/>
        <source>The domain is missing.</source>
        <translation>Die Domäne fehlt.</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+145"/>
        <source>The first name is {length} characters long; Microsoft allows at most {limit}.</source>
        <translation>Der Vorname ist {length} Zeichen lang; Microsoft erlaubt höchstens {limit}.</translation>
    </message>
    <message>
        <location line="-142"/>
        <location line="+145"/>
        <source>The last name is {length} characters long; Microsoft allows at most {limit}.</source>
        <translation>Der Nachname ist {length} Zeichen lang; Microsoft erlaubt höchstens {limit}.</translation>
    </message>
    <message>
        <location line="-142"/>
        <location line="+147"/>
        <source>The display name is {length} characters long; Microsoft allows at most {limit}.</source>
        <translation>Der Anzeigename ist {length} Zeichen lang; Microsoft erlaubt höchstens {limit}.</translation>
    </message>
    <message>
        <location line="-144"/>
        <source>The username is {length} characters long; Microsoft allows at most {limit}.</source>
        <translation>Der Benutzername ist {length} Zeichen lang; Microsoft erlaubt höchstens {limit}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The domain is {length} characters long; Microsoft allows at most {limit}.</source>
        <translation>Die Domäne ist {length} Zeichen lang; Microsoft erlaubt höchstens {limit}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The work email is {length} characters long; Microsoft allows at most {limit}.</source>
        <translation>Die geschäftliche E-Mail-Adresse ist {length} Zeichen lang; Microsoft erlaubt höchstens {limit}.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The first name can&apos;t contain {chars}.</source>
        <translation>Der Vorname darf {chars} nicht enthalten.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The last name can&apos;t contain {chars}.</source>
        <translation>Der Nachname darf {chars} nicht enthalten.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The display name can&apos;t contain {chars}.</source>
        <translation>Der Anzeigename darf {chars} nicht enthalten.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The domain can&apos;t contain {chars}.</source>
        <translation>Die Domäne darf {chars} nicht enthalten.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The work email can&apos;t contain {chars}.</source>
        <translation>Die geschäftliche E-Mail-Adresse darf {chars} nicht enthalten.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The username can&apos;t have two dots in a row.</source>
        <translation>Der Benutzername darf keine zwei Punkte hintereinander enthalten.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The domain can&apos;t have two dots in a row.</source>
        <translation>Die Domäne darf keine zwei Punkte hintereinander enthalten.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Microsoft doesn&apos;t accept accents or other special letters in a work email ({chars}). Type an address of this person without them.</source>
        <translation>Microsoft akzeptiert in einer geschäftlichen E-Mail-Adresse keine Akzente oder anderen Sonderbuchstaben ({chars}). Geben Sie eine Adresse dieser Person ohne sie an.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The first name isn&apos;t valid.</source>
        <translation>Der Vorname ist ungültig.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The last name isn&apos;t valid.</source>
        <translation>Der Nachname ist ungültig.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The display name isn&apos;t valid.</source>
        <translation>Der Anzeigename ist ungültig.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The username isn&apos;t valid.</source>
        <translation>Der Benutzername ist ungültig.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The domain isn&apos;t valid.</source>
        <translation>Die Domäne ist ungültig.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The work email isn&apos;t valid.</source>
        <translation>Die geschäftliche E-Mail-Adresse ist ungültig.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>spaces</source>
        <translation>Leerzeichen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>line breaks or tabs</source>
        <translation>Zeilenumbrüche oder Tabulatoren</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+181"/>
        <source>{first} and {last}</source>
        <translation>{first} und {last}</translation>
    </message>
    <message>
        <location line="-166"/>
        <source>This file couldn&apos;t be read as a CSV file.</source>
        <translation>Diese Datei ließ sich nicht als CSV-Datei lesen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This file looks like an Excel workbook (.xlsx), not a CSV file. In Excel, choose File › Save As, pick “CSV UTF-8 (Comma delimited)”, and import that file.</source>
        <translation>Diese Datei scheint eine Excel-Arbeitsmappe (.xlsx) zu sein, keine CSV-Datei. Wählen Sie in Excel „Datei › Speichern unter“ und als Dateityp „CSV UTF-8 (durch Trennzeichen getrennt)“, und importieren Sie diese Datei.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This file looks like an old Excel workbook (.xls), not a CSV file. In Excel, choose File › Save As, pick “CSV UTF-8 (Comma delimited)”, and import that file.</source>
        <translation>Diese Datei scheint eine ältere Excel-Arbeitsmappe (.xls) zu sein, keine CSV-Datei. Wählen Sie in Excel „Datei › Speichern unter“ und als Dateityp „CSV UTF-8 (durch Trennzeichen getrennt)“, und importieren Sie diese Datei.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This file isn&apos;t a text file, so it can&apos;t be a CSV file. Save the list as CSV and import that file.</source>
        <translation>Diese Datei ist keine Textdatei und kann daher keine CSV-Datei sein. Speichern Sie die Liste als CSV, und importieren Sie diese Datei.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The file is empty.</source>
        <translation>Die Datei ist leer.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The file has only the Entra version row: no column headings and no users.</source>
        <translation>Die Datei enthält nur die Versionszeile von Entra: keine Spaltenüberschriften und keine Benutzer.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The file has no users in it, only the column headings.</source>
        <translation>Die Datei enthält keine Benutzer, nur die Spaltenüberschriften.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The column headings on line {line} don&apos;t match a list this wizard can read. Use the Microsoft 365 “Add multiple users” template, the Entra “Bulk create” template, or download our template.</source>
        <translation>Die Spaltenüberschriften in Zeile {line} passen zu keiner Liste, die dieser Assistent lesen kann. Verwenden Sie die Vorlage „Mehrere Benutzer hinzufügen“ von Microsoft 365 oder die Vorlage „Massenerstellung“ von Entra, oder laden Sie unsere Vorlage herunter.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The file has no {heading} column.</source>
        <translation>Die Datei hat keine Spalte {heading}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Line {line} can&apos;t be read: a quotation mark there is never closed, or a value is far too long. Nothing after it was read.</source>
        <translation>Zeile {line} lässt sich nicht lesen: Ein Anführungszeichen darin wird nie geschlossen, oder ein Wert ist viel zu lang. Was danach kommt, wurde nicht gelesen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Line {line} is Microsoft&apos;s example row from the Entra template; it was skipped.</source>
        <translation>Zeile {line} ist die Beispielzeile von Microsoft aus der Entra-Vorlage; sie wurde übersprungen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The display name is missing, and there is no first or last name to make one from.</source>
        <translation>Der Anzeigename fehlt, und es gibt keinen Vor- oder Nachnamen, aus dem er gebildet werden kann.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The first name {value} contains {characters}, which can&apos;t be in a name.</source>
        <translation>Der Vorname {value} enthält Zeichen, die in einem Namen nicht vorkommen dürfen: {characters}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The last name {value} contains {characters}, which can&apos;t be in a name.</source>
        <translation>Der Nachname {value} enthält Zeichen, die in einem Namen nicht vorkommen dürfen: {characters}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The display name {value} contains {characters}, which can&apos;t be in a name.</source>
        <translation>Der Anzeigename {value} enthält Zeichen, die in einem Namen nicht vorkommen dürfen: {characters}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The username {value} is {length} characters long before the @; Microsoft allows at most {limit}.</source>
        <translation>Der Benutzername {value} ist vor dem @ {length} Zeichen lang; Microsoft erlaubt höchstens {limit}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The username {value} has characters Microsoft doesn&apos;t allow: {characters}. Use only letters a–z without accents, digits and . - _ &apos; ! # ^ ~.</source>
        <translation>Der Benutzername {value} enthält Zeichen, die Microsoft nicht erlaubt: {characters}. Verwenden Sie nur Buchstaben a–z ohne Akzente und Umlaute, Ziffern und . - _ &apos; ! # ^ ~.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The username {value} starts with a dot, which isn&apos;t allowed.</source>
        <translation>Der Benutzername {value} beginnt mit einem Punkt; das ist nicht erlaubt.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The username {value} has two dots in a row, which isn&apos;t allowed.</source>
        <translation>Der Benutzername {value} enthält zwei Punkte hintereinander; das ist nicht erlaubt.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The username {value} ends with a dot; Microsoft doesn&apos;t allow a dot just before the @.</source>
        <translation>Der Benutzername {value} endet mit einem Punkt; Microsoft erlaubt keinen Punkt direkt vor dem @.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The username {username} has no domain. Write it with one, for example {example}.</source>
        <translation>Der Benutzername {username} hat keine Domäne. Geben Sie ihn mit Domäne an, zum Beispiel {example}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The domain {value} is {length} characters long; Microsoft allows at most {limit}.</source>
        <translation>Die Domäne {value} ist {length} Zeichen lang; Microsoft erlaubt höchstens {limit}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The domain {value} has characters a domain can&apos;t have: {characters}.</source>
        <translation>Die Domäne {value} enthält Zeichen, die in einer Domäne nicht vorkommen dürfen: {characters}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The domain {value} starts or ends with a dot.</source>
        <translation>Die Domäne {value} beginnt oder endet mit einem Punkt.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The domain {value} has two dots in a row.</source>
        <translation>Die Domäne {value} enthält zwei Punkte hintereinander.</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>{domains} and %n more</source>
        <translation>
            <numerusform>{domains} und %n weitere</numerusform>
            <numerusform>{domains} und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The domain {value} isn&apos;t one of this tenant&apos;s domains ({domains}).</source>
        <translation>Die Domäne {value} ist keine Domäne dieses Mandanten ({domains}).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The work email {value} isn&apos;t a valid email address.</source>
        <translation>Die geschäftliche E-Mail-Adresse {value} ist keine gültige E-Mail-Adresse.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The work email {value} is an address in the Microsoft tenant, not the person&apos;s real work email. Their password and the portal invitation must go to an address they already read.</source>
        <translation>Die geschäftliche E-Mail-Adresse {value} ist eine Adresse im Microsoft-Mandanten, nicht die tatsächliche geschäftliche E-Mail-Adresse der Person. Ihr Kennwort und die Einladung zum Portal müssen an eine Adresse gehen, die sie bereits liest.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The work email {value} has {characters}: Microsoft doesn&apos;t accept accents or other special letters in an email address. Type an address of this person without them.</source>
        <translation>Die geschäftliche E-Mail-Adresse {value} enthält {characters}: Microsoft akzeptiert in einer E-Mail-Adresse keine Akzente oder anderen Sonderbuchstaben. Geben Sie eine Adresse dieser Person ohne sie an.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The username {value} is already used on line {first_line}.</source>
        <translation>Der Benutzername {value} wird bereits in Zeile {first_line} verwendet.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>a space</source>
        <translation>ein Leerzeichen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a tab</source>
        <translation>ein Tabulator</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a line break</source>
        <translation>ein Zeilenumbruch</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>an invisible control character</source>
        <translation>ein unsichtbares Steuerzeichen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{character} (a character the file&apos;s encoding couldn&apos;t represent)</source>
        <translation>{character} (ein Zeichen, das die Codierung der Datei nicht darstellen konnte)</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>First name</source>
        <translation>Vorname</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last name</source>
        <translation>Nachname</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Display name</source>
        <translation>Anzeigename</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Username</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Domain</source>
        <translation>Domäne</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Work email</source>
        <translation>Geschäftliche E-Mail</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The person&apos;s first name.</source>
        <translation>Der Vorname der Person.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The person&apos;s last name.</source>
        <translation>Der Nachname der Person.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How the name is shown to others. Made from the names unless you change it.</source>
        <translation>So wird der Name anderen angezeigt. Wird aus Vor- und Nachname gebildet, solange Sie ihn nicht ändern.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What they type to sign in, before the @. Suggested from the names.</source>
        <translation>Was die Person bei der Anmeldung vor dem @ eingibt. Wird aus Vor- und Nachname vorgeschlagen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The part after the @: one of your organisation&apos;s domains.</source>
        <translation>Der Teil nach dem @: eine der Domänen Ihrer Organisation.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The email address they read today: their password and invitation go there.</source>
        <translation>Die E-Mail-Adresse, die die Person heute liest: Dorthin gehen ihr Kennwort und die Einladung.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Whether the person was created.</source>
        <translation>Ob die Person angelegt wurde.</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>{upn} is already used in your organisation. That account will be reported as already existing, not changed. If this is someone else, choose another username.</source>
        <translation>{upn} wird in Ihrer Organisation bereits verwendet. Dieses Konto wird als bereits vorhanden gemeldet und nicht geändert. Wenn es um eine andere Person geht, wählen Sie einen anderen Benutzernamen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{upn} is free.</source>
        <translation>{upn} ist frei.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Checking whether {upn} is free…</source>
        <translation>Es wird geprüft, ob {upn} frei ist …</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>We couldn&apos;t check {upn} just now; creating will tell.</source>
        <translation>{upn} ließ sich gerade nicht prüfen; beim Anlegen zeigt sich, ob er frei ist.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Waiting</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Creating…</source>
        <translation>Wird angelegt …</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>✓ Created</source>
        <translation>✓ Angelegt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Already existed</source>
        <translation>War schon vorhanden</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Failed: {reason}</source>
        <translation>Fehlgeschlagen: {reason}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
    <message>
        <location line="-178"/>
        <location line="+221"/>
        <source>“{value}”</source>
        <translation>„{value}“</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <location filename="../../c2t_wizard/ui/pages/users.py" line="+86"/>
        <source>Import people from a file</source>
        <translation>Personen aus einer Datei importieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Spreadsheet files (*.csv *.txt);;All files (*)</source>
        <translation>Tabellendateien (*.csv *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Save the template</source>
        <translation>Vorlage speichern</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <location line="+321"/>
        <source>Add your staff</source>
        <translation>Mitarbeitende hinzufügen</translation>
    </message>
    <message>
        <location line="-48"/>
        <location line="+51"/>
        <source>Type in the people who will use Call2Teams, or import them from a spreadsheet. Each gets a Microsoft username and a temporary password.</source>
        <translation>Geben Sie die Personen ein, die Call2Teams nutzen werden, oder importieren Sie sie aus einer Tabelle. Jede Person erhält einen Microsoft-Benutzernamen und ein vorläufiges Kennwort.</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resume the unfinished run</source>
        <translation>Den unterbrochenen Durchgang fortsetzen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start over with an empty list</source>
        <translation>Mit einer leeren Liste neu beginnen</translation>
    </message>
    <message>
        <location line="-22"/>
        <source>People to create</source>
        <translation>Anzulegende Personen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Type to edit a cell, F2 to change it, Enter to finish, Tab for the next cell. Delete removes the selected people.</source>
        <translation>Tippen Sie, um eine Zelle zu bearbeiten, F2 zum Ändern, Eingabetaste zum Abschließen, Tab für die nächste Zelle. Entf entfernt die ausgewählten Personen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;People to create:</source>
        <translation>&amp;Anzulegende Personen:</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>&amp;Add person</source>
        <translation>Person &amp;hinzufügen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a person</source>
        <translation>Eine Person hinzufügen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;move</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the selected people</source>
        <translation>Die ausgewählten Personen entfernen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Import from file…</source>
        <translation>Aus Datei &amp;importieren …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import people from a CSV file</source>
        <translation>Personen aus einer CSV-Datei importieren</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>A CSV file from Excel: the Microsoft 365 “Add multiple users” template, the Entra “Bulk create” template, or ours.</source>
        <translation>Eine CSV-Datei aus Excel: die Vorlage „Mehrere Benutzer hinzufügen“ von Microsoft 365, die Vorlage „Massenerstellung“ von Entra oder unsere.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Download &amp;template…</source>
        <translation>&amp;Vorlage herunterladen …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download a CSV template to fill in</source>
        <translation>Eine CSV-Vorlage zum Ausfüllen herunterladen</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Problems to fix</source>
        <translation>Zu behebende Probleme</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Press Enter on a problem to go to its cell.</source>
        <translation>Drücken Sie bei einem Problem die Eingabetaste, um zur betroffenen Zelle zu gelangen.</translation>
    </message>
    <message>
        <location line="-125"/>
        <source>Created without a licence: they can sign in to Microsoft and to the Call2Teams portal, but get no mailbox, Teams or Office apps. That costs nothing; you can add a licence later in the Microsoft 365 admin center.</source>
        <translation>Ohne Lizenz angelegt: Die Personen können sich bei Microsoft und im Call2Teams-Portal anmelden, erhalten aber kein Postfach, kein Teams und keine Office-Apps. Das kostet nichts; eine Lizenz können Sie später im Microsoft 365 Admin Center hinzufügen.</translation>
    </message>
    <message>
        <location line="+1191"/>
        <source>&amp;Create users</source>
        <translation>Benutzer an&amp;legen</translation>
    </message>
    <message>
        <location line="-1049"/>
        <source>Create the users</source>
        <translation>Die Benutzer anlegen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Stop</source>
        <translation>Anhal&amp;ten</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Try failed a&amp;gain</source>
        <translation>Erneut ve&amp;rsuchen</translation>
    </message>
    <message>
        <location line="+542"/>
        <source>1 already existed and was left unchanged</source>
        <translation>1 war schon vorhanden und blieb unverändert</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n already existed and were left unchanged</source>
        <translation>
            <numerusform>%n war schon vorhanden und blieb unverändert</numerusform>
            <numerusform>%n waren schon vorhanden und blieben unverändert</numerusform>
        </translation>
    </message>
    <message>
        <location line="+215"/>
        <source>Added 1 person from {name}.</source>
        <translation>1 Person aus {name} hinzugefügt.</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Added %n people from {name}.</source>
        <translation>
            <numerusform>%n Person aus {name} hinzugefügt.</numerusform>
            <numerusform>%n Personen aus {name} hinzugefügt.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Fix 1 problem before creating: it is marked on its cell.</source>
        <translation>Beheben Sie vor dem Anlegen 1 Problem: Es ist an seiner Zelle markiert.</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Fix %n problems before creating: each is marked on its cell.</source>
        <translation>
            <numerusform>Beheben Sie vor dem Anlegen %n Problem: Es ist an seiner Zelle markiert.</numerusform>
            <numerusform>Beheben Sie vor dem Anlegen %n Probleme: Jedes ist an seiner Zelle markiert.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+109"/>
        <source>Microsoft asked us to slow down; 1 waits a moment.</source>
        <translation>Microsoft hat um eine Pause gebeten; 1 Person wartet einen Moment.</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Microsoft asked us to slow down; %n wait a moment.</source>
        <translation>
            <numerusform>Microsoft hat um eine Pause gebeten; %n Person wartet einen Moment.</numerusform>
            <numerusform>Microsoft hat um eine Pause gebeten; %n Personen warten einen Moment.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+108"/>
        <source>&amp;Create 1 user</source>
        <translation>1 Benutzer an&amp;legen</translation>
    </message>
    <message numerus="yes">
        <location line="+0"/>
        <source>&amp;Create %n users</source>
        <translation>
            <numerusform>%n Benutzer an&amp;legen</numerusform>
            <numerusform>%n Benutzer an&amp;legen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Microsoft is busy right now and didn&apos;t answer, even after several tries</source>
        <translation>Microsoft ist gerade ausgelastet und hat auch nach mehreren Versuchen nicht geantwortet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Microsoft couldn&apos;t be reached: check the internet connection</source>
        <translation>Microsoft war nicht erreichbar: Prüfen Sie die Internetverbindung</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>your sign-in has expired; sign in again</source>
        <translation>Ihre Anmeldung ist abgelaufen; melden Sie sich erneut an</translation>
    </message>
    <message>
        <location line="-1103"/>
        <source>Stop creating users</source>
        <translation>Anlegen der Benutzer abbrechen</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Start &amp;over</source>
        <translation>&amp;Neu beginnen</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Problems to fi&amp;x:</source>
        <translation>Zu &amp;behebende Probleme:</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Res&amp;ume</source>
        <translation>F&amp;ortsetzen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resume creating the people not created yet</source>
        <translation>Mit den noch nicht angelegten Personen fortfahren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Try the failed people again</source>
        <translation>Die fehlgeschlagenen Personen erneut versuchen</translation>
    </message>
    <message>
        <location line="-21"/>
        <source>Users created</source>
        <translation>Angelegte Benutzer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%v of %m</source>
        <translation>%v von %m</translation>
    </message>
    <message>
        <location line="-34"/>
        <source>Type in the people who will use Call2Teams, or import them from a spreadsheet. Each gets a Microsoft username ending in @{domain} and a temporary password.</source>
        <translation>Geben Sie die Personen ein, die Call2Teams nutzen werden, oder importieren Sie sie aus einer Tabelle. Jede Person erhält einen Microsoft-Benutzernamen mit der Endung @{domain} und ein vorläufiges Kennwort.</translation>
    </message>
    <message>
        <location line="+136"/>
        <source>Users are being created.</source>
        <translation>Benutzer werden gerade angelegt.</translation>
    </message>
    <message>
        <location line="+616"/>
        <source>Reading {name}…</source>
        <translation>{name} wird gelesen …</translation>
    </message>
    <message>
        <location line="-523"/>
        <source>Template saved as {path}. Fill it in with Excel, save it as CSV, and import it.</source>
        <translation>Vorlage gespeichert unter {path}. Füllen Sie sie in Excel aus, speichern Sie sie als CSV und importieren Sie sie.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The template couldn&apos;t be saved as {path}: {reason}</source>
        <translation>Die Vorlage ließ sich nicht unter {path} speichern: {reason}</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Stopping… waiting for the answers to what was already sent.</source>
        <translation>Wird angehalten … Warten auf die Antworten zu bereits Gesendetem.</translation>
    </message>
    <message>
        <location line="+165"/>
        <source>Creating users…</source>
        <translation>Benutzer werden angelegt …</translation>
    </message>
    <message>
        <location line="+83"/>
        <source>Microsoft refused the password; try again</source>
        <translation>Microsoft hat das Kennwort abgelehnt; versuchen Sie es erneut</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the domain isn&apos;t verified in your organisation</source>
        <translation>die Domäne ist in Ihrer Organisation nicht verifiziert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft refused a value</source>
        <translation>Microsoft hat einen Wert abgelehnt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>this email address is already used by a group or shared mailbox in your organisation: choose another username</source>
        <translation>Diese E-Mail-Adresse wird in Ihrer Organisation schon von einer Gruppe oder einem freigegebenen Postfach verwendet: Wählen Sie einen anderen Benutzernamen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>you aren&apos;t allowed to create users; sign in as an administrator</source>
        <translation>Sie dürfen keine Benutzer anlegen; melden Sie sich als Administrator an</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft was too busy; try again in a few minutes</source>
        <translation>Microsoft war überlastet; versuchen Sie es in ein paar Minuten erneut</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no connection to Microsoft; try again</source>
        <translation>keine Verbindung zu Microsoft; versuchen Sie es erneut</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microsoft had a problem; try again</source>
        <translation>Microsoft hatte ein Problem; versuchen Sie es erneut</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>unexpected answer</source>
        <translation>unerwartete Antwort</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Creating stopped: {reason}. Nobody was created twice; you can resume.</source>
        <translation>Das Anlegen wurde angehalten: {reason}. Niemand wurde doppelt angelegt; Sie können fortsetzen.</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Stopped. {created} created so far; {remaining} not yet. Nothing was created twice: Resume carries on where it stopped.</source>
        <translation>Angehalten. Bisher {created} angelegt, {remaining} noch nicht. Nichts wurde doppelt angelegt: „Fortsetzen“ macht dort weiter, wo angehalten wurde.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{count} created</source>
        <translation>{count} angelegt</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{count} failed</source>
        <translation>{count} fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done: {parts}.</source>
        <translation>Fertig: {parts}.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The reason is in each row&apos;s status; you can try them again.</source>
        <translation>Der Grund steht jeweils im Status der Zeile; Sie können es erneut versuchen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Next, each person gets their sign-in details.</source>
        <translation>Als Nächstes erhält jede Person ihre Anmeldedaten.</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>An earlier session started adding 1 person ({when}).</source>
        <translation>In einer früheren Sitzung wurde begonnen, 1 Person hinzuzufügen ({when}).</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>An earlier session started adding %n people ({when}).</source>
        <translation>
            <numerusform>In einer früheren Sitzung wurde begonnen, %n Person hinzuzufügen ({when}).</numerusform>
            <numerusform>In einer früheren Sitzung wurde begonnen, %n Personen hinzuzufügen ({when}).</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Nobody has been created yet.</source>
        <translation>Bisher wurde noch niemand angelegt.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>1 of them hasn&apos;t been created yet.</source>
        <translation>1 davon ist noch nicht angelegt.</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n of them haven&apos;t been created yet.</source>
        <translation>
            <numerusform>%n davon ist noch nicht angelegt.</numerusform>
            <numerusform>%n davon sind noch nicht angelegt.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Resume to carry on, or start over with an empty list.</source>
        <translation>Wählen Sie „Fortsetzen“, um weiterzumachen, oder beginnen Sie mit einer leeren Liste neu.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>An earlier session added 1 person ({when}) and didn&apos;t finish the onboarding.</source>
        <translation>In einer früheren Sitzung wurde 1 Person hinzugefügt ({when}), die Einrichtung aber nicht abgeschlossen.</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>An earlier session added %n people ({when}) and didn&apos;t finish the onboarding.</source>
        <translation>
            <numerusform>In einer früheren Sitzung wurde %n Person hinzugefügt ({when}), die Einrichtung aber nicht abgeschlossen.</numerusform>
            <numerusform>In einer früheren Sitzung wurden %n Personen hinzugefügt ({when}), die Einrichtung aber nicht abgeschlossen.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Resume to carry on with them, or start over with an empty list.</source>
        <translation>Wählen Sie „Fortsetzen“, um mit ihnen weiterzumachen, oder beginnen Sie mit einer leeren Liste neu.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>The record of earlier runs couldn&apos;t be read: {reason}</source>
        <translation>Die Aufzeichnung früherer Durchgänge ließ sich nicht lesen: {reason}</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>1 of them has problems, marked on the cells: fix them here or remove that person before creating.</source>
        <translation>1 davon hat Probleme, markiert an den Zellen: Beheben Sie sie hier oder entfernen Sie die Person, bevor Sie anlegen.</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n of them have problems, marked on the cells: fix them here or remove those people before creating.</source>
        <translation>
            <numerusform>%n davon hat Probleme, markiert an den Zellen: Beheben Sie sie hier oder entfernen Sie die Person, bevor Sie anlegen.</numerusform>
            <numerusform>%n davon haben Probleme, markiert an den Zellen: Beheben Sie sie hier oder entfernen Sie diese Personen, bevor Sie anlegen.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Nobody was added from {name}.</source>
        <translation>Aus {name} wurde niemand hinzugefügt.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{name} couldn&apos;t be opened: {reason}</source>
        <translation>{name} ließ sich nicht öffnen: {reason}</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Checking whether 1 username is free…</source>
        <translation>Es wird geprüft, ob 1 Benutzername frei ist …</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Checking whether %n usernames are free…</source>
        <translation>
            <numerusform>Es wird geprüft, ob %n Benutzername frei ist …</numerusform>
            <numerusform>Es wird geprüft, ob %n Benutzernamen frei sind …</numerusform>
        </translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Row {row}, {column}: {reason}</source>
        <translation>Zeile {row}, {column}: {reason}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>…and 1 more problem, marked on its cell.</source>
        <translation>… und 1 weiteres Problem, markiert an seiner Zelle.</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>…and %n more problems, each marked on its cell.</source>
        <translation>
            <numerusform>… und %n weiteres Problem, markiert an seiner Zelle.</numerusform>
            <numerusform>… und %n weitere Probleme, jedes an seiner Zelle markiert.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>File line {line}</source>
        <translation>Dateizeile {line}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>About 1 minute left.</source>
        <translation>Noch etwa 1 Minute.</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>About %n minutes left.</source>
        <translation>
            <numerusform>Noch etwa %n Minute.</numerusform>
            <numerusform>Noch etwa %n Minuten.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+160"/>
        <source>Microsoft refused the sign-in ({problem})</source>
        <translation>Microsoft hat die Anmeldung abgelehnt ({problem})</translation>
    </message>
    <message>
        <location line="-262"/>
        <source>Problems in {name}, by line of the file:</source>
        <translation>Probleme in {name}, nach Zeile der Datei:</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>Created {created} · already existed {existed} · failed {failed} · remaining {remaining}</source>
        <translation>Angelegt {created} · vorhanden {existed} · Fehler {failed} · offen {remaining}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Creating users… {done} of {total} done.</source>
        <translation>Benutzer werden angelegt … {done} von {total} erledigt.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Sign in first: the users are created in your organisation.</source>
        <translation>Melden Sie sich zuerst an: Die Benutzer werden in Ihrer Organisation angelegt.</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Getting ready…</source>
        <translation>Wird vorbereitet …</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../c2t_wizard/ui/pages/welcome.py" line="+155"/>
        <source>Welcome to Call2Teams</source>
        <translation>Willkommen bei Call2Teams</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This assistant gets your team ready for Call2Teams, one step at a time. It can take a few minutes; you can stop and come back later.</source>
        <translation>Dieser Assistent macht Ihr Team Schritt für Schritt startklar für Call2Teams. Das dauert ein paar Minuten; Sie können jederzeit unterbrechen und später weitermachen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>It will:
•  create a Microsoft work account for your organisation, if you don&apos;t have one yet
•  add your staff to it
•  send each of them their sign-in details
•  invite them to the Call2Teams portal</source>
        <translation>Er wird:
•  ein Microsoft-Geschäftskonto für Ihre Organisation einrichten, falls Sie noch keines haben
•  Ihre Mitarbeitenden dort hinzufügen
•  allen ihre Anmeldedaten schicken
•  sie zum Call2Teams-Portal einladen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>How would you like to start?</source>
        <translation>Wie möchten Sie beginnen?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>I need a &amp;Microsoft tenant</source>
        <translation>Neuen &amp;Microsoft-Mandanten anlegen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You don&apos;t have Microsoft 365 or a work account for your organisation yet. We&apos;ll help you create one.</source>
        <translation>Ihre Organisation hat noch kein Microsoft 365 und kein Geschäfts-, Schul- oder Unikonto. Wir helfen Ihnen, eines einzurichten.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>I &amp;already have one</source>
        <translation>Ich habe &amp;bereits einen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your organisation already uses Microsoft 365 or has a work account. You&apos;ll sign in with it.</source>
        <translation>Ihre Organisation nutzt bereits Microsoft 365 oder hat ein Geschäfts-, Schul- oder Unikonto. Sie melden sich damit an.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Try the &amp;demo (sandbox)</source>
        <translation>&amp;Demo ausprobieren (Sandbox)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Walk through every step in a practice environment. Nothing real is created or changed.</source>
        <translation>Gehen Sie alle Schritte in einer Übungsumgebung durch. Dabei wird nichts Echtes angelegt oder geändert.</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+77"/>
        <source>&amp;Continue</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <location line="-76"/>
        <location line="+79"/>
        <source>I&apos;m done &amp;with it</source>
        <translation>Damit bin ich fer&amp;tig</translation>
    </message>
    <message>
        <location line="-77"/>
        <location line="+80"/>
        <source>Don&apos;t offer it again. It stays in the past onboardings, and nobody is removed.</source>
        <translation>Nicht mehr anbieten. Sie bleibt bei den früheren Einrichtungen, und niemand wird entfernt.</translation>
    </message>
    <message>
        <location line="-86"/>
        <source>&amp;History of onboardings…</source>
        <translation>&amp;Verlauf der Einrichtungen …</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language of the wizard</source>
        <translation>Sprache des Assistenten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Who was onboarded when, and what happened to each person.</source>
        <translation>Wer wann eingerichtet wurde und was mit jeder Person geschehen ist.</translation>
    </message>
    <message>
        <location line="+110"/>
        <source>your organisation</source>
        <translation>Ihrer Organisation</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Continue onboarding {organisation}: {done} of 1 person added.</source>
        <translation>Einrichtung von {organisation} fortsetzen: {done} von 1 Person hinzugefügt.</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Continue onboarding {organisation}: {done} of %n people added.</source>
        <translation>
            <numerusform>Einrichtung von {organisation} fortsetzen: {done} von %n Person hinzugefügt.</numerusform>
            <numerusform>Einrichtung von {organisation} fortsetzen: {done} von %n Personen hinzugefügt.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Continue onboarding {organisation}: {done} of 1 person has their sign-in details.</source>
        <translation>Einrichtung von {organisation} fortsetzen: {done} von 1 Person hat ihre Anmeldedaten.</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Continue onboarding {organisation}: {done} of %n people have their sign-in details.</source>
        <translation>
            <numerusform>Einrichtung von {organisation} fortsetzen: {done} von %n Person hat ihre Anmeldedaten.</numerusform>
            <numerusform>Einrichtung von {organisation} fortsetzen: {done} von %n Personen haben ihre Anmeldedaten.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Continue onboarding {organisation}: {done} of 1 person invited.</source>
        <translation>Einrichtung von {organisation} fortsetzen: {done} von 1 Person eingeladen.</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Continue onboarding {organisation}: {done} of %n people invited.</source>
        <translation>
            <numerusform>Einrichtung von {organisation} fortsetzen: {done} von %n Person eingeladen.</numerusform>
            <numerusform>Einrichtung von {organisation} fortsetzen: {done} von %n Personen eingeladen.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Continue onboarding {organisation}: {done} of 1 person onboarded; the summary says what is left to retry.</source>
        <translation>Einrichtung von {organisation} fortsetzen: {done} von 1 Person eingerichtet; die Zusammenfassung zeigt, was noch erneut zu versuchen ist.</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Continue onboarding {organisation}: {done} of %n people onboarded; the summary says what is left to retry.</source>
        <translation>
            <numerusform>Einrichtung von {organisation} fortsetzen: {done} von %n Person eingerichtet; die Zusammenfassung zeigt, was noch erneut zu versuchen ist.</numerusform>
            <numerusform>Einrichtung von {organisation} fortsetzen: {done} von %n Personen eingerichtet; die Zusammenfassung zeigt, was noch erneut zu versuchen ist.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Microsoft accounts created</source>
        <translation>Microsoft-Konten angelegt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sign-in details handed over</source>
        <translation>Anmeldedaten übergeben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>invited to the portal</source>
        <translation>zum Portal eingeladen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>creating the Microsoft accounts</source>
        <translation>die Microsoft-Konten anlegen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>handing over the sign-in details</source>
        <translation>die Anmeldedaten übergeben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>inviting them to the Call2Teams portal</source>
        <translation>zum Call2Teams-Portal einladen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the summary</source>
        <translation>die Zusammenfassung</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Started {when}.</source>
        <translation>Begonnen am {when}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done: {step}.</source>
        <translation>Erledigt: {step}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next: {step}.</source>
        <translation>Als Nächstes: {step}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Continue onboarding {organisation}</source>
        <translation>Einrichtung von {organisation} fortsetzen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Onboard more &amp;people in {organisation}</source>
        <translation>Weitere &amp;Personen in {organisation} einrichten</translation>
    </message>
</context>
<context>
    <name>WelcomeSheet</name>
    <message>
        <location filename="../../c2t_wizard/sheet_pdf.py" line="+57"/>
        <source>{name} can&apos;t be written there (the folder may be read-only, or the file open in another program)</source>
        <translation>{name} kann dort nicht geschrieben werden (der Ordner ist vielleicht schreibgeschützt oder die Datei in einem anderen Programm geöffnet)</translation>
    </message>
</context>
</TS>
