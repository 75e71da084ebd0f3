<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>CredentialsPage</name>
    <message numerus="yes">
        <location filename="../../c2t_wizard/ui/pages/credentials.py" line="+675"/>
        <source>%n person(s) were created in an earlier session and never got their password. For security, the wizard never stores passwords, so these people get a new temporary password now.</source>
        <translation>
            <numerusform>%n person was created in an earlier session and never got their password. For security, the wizard never stores passwords, so this person gets a new temporary password now.</numerusform>
            <numerusform>%n people were created in an earlier session and never got their password. For security, the wizard never stores passwords, so these people get a new temporary password now.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+67"/>
        <source>%n mail(s) from your organisation bounced in the last 24 hours: the limit may be reached already.</source>
        <translation>
            <numerusform>%n mail from your organisation bounced in the last 24 hours: the limit may be reached already.</numerusform>
            <numerusform>%n mails from your organisation bounced in the last 24 hours: the limit may be reached already.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%n person(s) are beyond that: give them their password with your mail app (if it sends from another address), the clipboard or a welcome sheet.</source>
        <translation>
            <numerusform>%n person is beyond that: give them their password with your mail app (if it sends from another address), the clipboard or a welcome sheet.</numerusform>
            <numerusform>%n people are beyond that: give them their password with your mail app (if it sends from another address), the clipboard or a welcome sheet.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+104"/>
        <source>%n mail(s) bounced: Microsoft accepted them but couldn&apos;t deliver them. Deliver to those people another way: a welcome sheet, the clipboard, or your mail app if it sends from another address.</source>
        <translation>
            <numerusform>%n mail bounced: Microsoft accepted it but couldn&apos;t deliver it. Deliver to that person another way: a welcome sheet, the clipboard, or your mail app if it sends from another address.</numerusform>
            <numerusform>%n mails bounced: Microsoft accepted them but couldn&apos;t deliver them. Deliver to those people another way: a welcome sheet, the clipboard, or your mail app if it sends from another address.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+76"/>
        <source>%n person(s) get a new temporary password. The one handed over before stops working, so deliver the new one to them next. Go on?</source>
        <translation>
            <numerusform>%n person gets a new temporary password. The one handed over before stops working, so deliver the new one to them next. Go on?</numerusform>
            <numerusform>%n people get a new temporary password. The ones handed over before stop working, so deliver the new ones to them next. Go on?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+61"/>
        <source>%n delivery(ies) marked as delivered.</source>
        <translation>
            <numerusform>%n delivery marked as delivered.</numerusform>
            <numerusform>%n deliveries marked as delivered.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>The message to %n person(s) may already have been sent: Microsoft&apos;s answer was lost and the wizard couldn&apos;t check your Sent Items. Look there first. Send again anyway? The wizard checks once more before sending.</source>
        <translation>
            <numerusform>The message to %n person may already have been sent: Microsoft&apos;s answer was lost and the wizard couldn&apos;t check your Sent Items. Look there first. Send again anyway? The wizard checks once more before sending.</numerusform>
            <numerusform>The messages to %n people may already have been sent: Microsoft&apos;s answer was lost and the wizard couldn&apos;t check your Sent Items. Look there first. Send again anyway? The wizard checks once more before sending.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+134"/>
        <source>Mail went to everyone Microsoft&apos;s daily limit allows. %n person(s) are over the limit: deliver to them another way (choose a welcome sheet, the clipboard or your mail app above, then Deliver to selected).</source>
        <translation>
            <numerusform>Mail went to everyone Microsoft&apos;s daily limit allows. %n person is over the limit: deliver to them another way (choose a welcome sheet, the clipboard or your mail app above, then Deliver to selected).</numerusform>
            <numerusform>Mail went to everyone Microsoft&apos;s daily limit allows. %n people are over the limit: deliver to them another way (choose a welcome sheet, the clipboard or your mail app above, then Deliver to selected).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>%n message(s) may have been sent: Microsoft&apos;s answer was lost and your Sent Items couldn&apos;t be checked. Look in your Sent Items; Retry failed asks before sending again.</source>
        <translation>
            <numerusform>%n message may have been sent: Microsoft&apos;s answer was lost and your Sent Items couldn&apos;t be checked. Look in your Sent Items; Retry failed asks before sending again.</numerusform>
            <numerusform>%n messages may have been sent: Microsoft&apos;s answer was lost and your Sent Items couldn&apos;t be checked. Look in your Sent Items; Retry failed asks before sending again.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+84"/>
        <source>%n message(s) are too long for a mail link. Select each of those people and use Deliver to selected: the message then goes via the clipboard.</source>
        <translation>
            <numerusform>%n message is too long for a mail link. Select that person and use Deliver to selected: the message then goes via the clipboard.</numerusform>
            <numerusform>%n messages are too long for a mail link. Select each of those people and use Deliver to selected: the message then goes via the clipboard.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>%n message(s) opened in your mail app: check each one and send it.</source>
        <translation>
            <numerusform>%n message opened in your mail app: check it and send it.</numerusform>
            <numerusform>%n messages opened in your mail app: check each one and send it.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>The message for {name} is on the clipboard: paste it into a message to {email}. The clipboard is cleared in %n second(s).</source>
        <translation>
            <numerusform>The message for {name} is on the clipboard: paste it into a message to {email}. The clipboard is cleared in %n second.</numerusform>
            <numerusform>The message for {name} is on the clipboard: paste it into a message to {email}. The clipboard is cleared in %n seconds.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>The welcome sheet contains the temporary passwords of %n person(s). Save it only somewhere private, print it, and delete the file once everyone has signed in.</source>
        <translation>
            <numerusform>The welcome sheet contains the temporary password of %n person. Save it only somewhere private, print it, and delete the file once they have signed in.</numerusform>
            <numerusform>The welcome sheet contains the temporary passwords of %n people. Save it only somewhere private, print it, and delete the file once everyone has signed in.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+35"/>
        <source>Saved %n page(s) to {path}. Print them, hand each person their page, then delete the file.</source>
        <translation>
            <numerusform>Saved %n page to {path}. Print it, hand the person their page, then delete the file.</numerusform>
            <numerusform>Saved %n pages to {path}. Print them, hand each person their page, then delete the file.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+198"/>
        <source>Everyone has their password: %n delivered.</source>
        <translation>
            <numerusform>Everyone has their password: %n delivered.</numerusform>
            <numerusform>Everyone has their password: %n delivered.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message numerus="yes">
        <location filename="../../c2t_wizard/ui/history.py" line="+212"/>
        <source>%n onboardings. Select one to view or export it.</source>
        <translation>
            <numerusform>%n onboarding. Select it to view or export it.</numerusform>
            <numerusform>%n onboardings. Select one to view or export it.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+54"/>
        <source>Saving the PDF: %n of {total} people…</source>
        <translation>
            <numerusform>Saving the PDF: %n of {total} people…</numerusform>
            <numerusform>Saving the PDF: %n of {total} people…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PortalPage</name>
    <message numerus="yes">
        <location filename="../../c2t_wizard/ui/pages/portal.py" line="+812"/>
        <source>Roles for the %n selected person(s)</source>
        <translation>
            <numerusform>Roles for the selected person</numerusform>
            <numerusform>Roles for the %n selected people</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+126"/>
        <source>Inviting %n person(s)…</source>
        <translation>
            <numerusform>Inviting %n person…</numerusform>
            <numerusform>Inviting %n people…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+24"/>
        <source>%n of {total} answered…</source>
        <translation>
            <numerusform>%n of {total} answered…</numerusform>
            <numerusform>%n of {total} answered…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>%n invited</source>
        <translation>
            <numerusform>%n invited</numerusform>
            <numerusform>%n invited</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n already invited</source>
        <translation>
            <numerusform>%n already invited</numerusform>
            <numerusform>%n already invited</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <location line="+364"/>
        <source>%n failed</source>
        <translation>
            <numerusform>%n failed</numerusform>
            <numerusform>%n failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="-362"/>
        <source>%n not sent (stopped)</source>
        <translation>
            <numerusform>%n not sent (stopped)</numerusform>
            <numerusform>%n not sent (stopped)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+45"/>
        <source>Withdrawing %n invitation(s)…</source>
        <translation>
            <numerusform>Withdrawing %n invitation…</numerusform>
            <numerusform>Withdrawing %n invitations…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+29"/>
        <source>%n invitation(s) couldn&apos;t be withdrawn: {why}</source>
        <translation>
            <numerusform>%n invitation couldn&apos;t be withdrawn: {why}</numerusform>
            <numerusform>%n invitations couldn&apos;t be withdrawn: {why}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+14"/>
        <source>%n invitation(s) withdrawn.</source>
        <translation>
            <numerusform>%n invitation withdrawn.</numerusform>
            <numerusform>%n invitations withdrawn.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+270"/>
        <source>%n of {total} invited</source>
        <translation>
            <numerusform>%n of {total} invited</numerusform>
            <numerusform>%n of {total} invited</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n accepted</source>
        <translation>
            <numerusform>%n accepted</numerusform>
            <numerusform>%n accepted</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n with an email to fix</source>
        <translation>
            <numerusform>%n with an email to fix</numerusform>
            <numerusform>%n with an email to fix</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message numerus="yes">
        <location filename="../../c2t_wizard/ui/pages/summary.py" line="+259"/>
        <source>%n retry(s) are on their way.</source>
        <translation>
            <numerusform>%n retry is on its way.</numerusform>
            <numerusform>%n retries are on their way.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+127"/>
        <source>All %n person(s) are onboarded.</source>
        <translation>
            <numerusform>The %n person is onboarded.</numerusform>
            <numerusform>All %n people are onboarded.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n of {total} person(s) are fully onboarded; the others say what is missing.</source>
        <translation>
            <numerusform>%n of {total} people is fully onboarded; the others say what is missing.</numerusform>
            <numerusform>%n of {total} people are fully onboarded; the others say what is missing.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+88"/>
        <source>Saving the PDF: %n of {total} people…</source>
        <translation>
            <numerusform>Saving the PDF: %n of {total} people…</numerusform>
            <numerusform>Saving the PDF: %n of {total} people…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message numerus="yes">
        <location filename="../../c2t_wizard/ui/users_model.py" line="+924"/>
        <source>{domains} and %n more</source>
        <translation>
            <numerusform>{domains} and %n more</numerusform>
            <numerusform>{domains} and %n more</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message numerus="yes">
        <location filename="../../c2t_wizard/ui/pages/users.py" line="+960"/>
        <source>%n already existed and were left unchanged</source>
        <translation>
            <numerusform>%n already existed and was left unchanged</numerusform>
            <numerusform>%n already existed and were left unchanged</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+72"/>
        <source>An earlier session started adding %n people ({when}).</source>
        <translation>
            <numerusform>An earlier session started adding %n person ({when}).</numerusform>
            <numerusform>An earlier session started adding %n people ({when}).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>%n of them haven&apos;t been created yet.</source>
        <translation>
            <numerusform>%n of them hasn&apos;t been created yet.</numerusform>
            <numerusform>%n of them haven&apos;t been created yet.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>An earlier session added %n people ({when}) and didn&apos;t finish the onboarding.</source>
        <translation>
            <numerusform>An earlier session added %n person ({when}) and didn&apos;t finish the onboarding.</numerusform>
            <numerusform>An earlier session added %n people ({when}) and didn&apos;t finish the onboarding.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+122"/>
        <source>Added %n people from {name}.</source>
        <translation>
            <numerusform>Added %n person from {name}.</numerusform>
            <numerusform>Added %n people from {name}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>%n of them have problems, marked on the cells: fix them here or remove those people before creating.</source>
        <translation>
            <numerusform>%n of them has problems, marked on the cells: fix them here or remove that person before creating.</numerusform>
            <numerusform>%n of them have problems, marked on the cells: fix them here or remove those people before creating.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+55"/>
        <source>Fix %n problems before creating: each is marked on its cell.</source>
        <translation>
            <numerusform>Fix %n problem before creating: it is marked on its cell.</numerusform>
            <numerusform>Fix %n problems before creating: each is marked on its cell.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>Checking whether %n usernames are free…</source>
        <translation>
            <numerusform>Checking whether %n username is free…</numerusform>
            <numerusform>Checking whether %n usernames are free…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+47"/>
        <source>…and %n more problems, each marked on its cell.</source>
        <translation>
            <numerusform>…and %n more problem, marked on its cell.</numerusform>
            <numerusform>…and %n more problems, each marked on its cell.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+54"/>
        <source>Microsoft asked us to slow down; %n wait a moment.</source>
        <translation>
            <numerusform>Microsoft asked us to slow down; %n waits a moment.</numerusform>
            <numerusform>Microsoft asked us to slow down; %n wait a moment.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>About %n minutes left.</source>
        <translation>
            <numerusform>About %n minute left.</numerusform>
            <numerusform>About %n minutes left.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+101"/>
        <source>&amp;Create %n users</source>
        <translation>
            <numerusform>&amp;Create %n user</numerusform>
            <numerusform>&amp;Create %n users</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message numerus="yes">
        <location filename="../../c2t_wizard/ui/pages/welcome.py" line="+319"/>
        <source>Continue onboarding {organisation}: {done} of %n people added.</source>
        <translation>
            <numerusform>Continue onboarding {organisation}: {done} of %n person added.</numerusform>
            <numerusform>Continue onboarding {organisation}: {done} of %n people added.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>Continue onboarding {organisation}: {done} of %n people have their sign-in details.</source>
        <translation>
            <numerusform>Continue onboarding {organisation}: {done} of %n person has their sign-in details.</numerusform>
            <numerusform>Continue onboarding {organisation}: {done} of %n people have their sign-in details.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>Continue onboarding {organisation}: {done} of %n people invited.</source>
        <translation>
            <numerusform>Continue onboarding {organisation}: {done} of %n person invited.</numerusform>
            <numerusform>Continue onboarding {organisation}: {done} of %n people invited.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>Continue onboarding {organisation}: {done} of %n people onboarded; the summary says what is left to retry.</source>
        <translation>
            <numerusform>Continue onboarding {organisation}: {done} of %n person onboarded; the summary says what is left to retry.</numerusform>
            <numerusform>Continue onboarding {organisation}: {done} of %n people onboarded; the summary says what is left to retry.</numerusform>
        </translation>
    </message>
</context>
</TS>
