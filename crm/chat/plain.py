"""What a chat visitor may be told when something is refused: plain words, in the catalogue.

Only these reach a visitor (translated into their language); any other refusal is shown as
SOMETHING_WRONG, so a developer's message ("not a phone number: 'x'") never reaches them.
"""

from __future__ import annotations

from crm.core.i18n import N_

NAME_NEEDED = N_("Please tell us your name.")
NAME_TOO_LONG = N_("Please shorten your name to 100 characters or fewer.")
EMAIL_NEEDED = N_("Please enter your email address.")
PHONE_NEEDED = N_("Please enter your phone number.")
CONTACT_NEEDED = N_("Please enter an email address or a phone number so we can reply.")
BAD_EMAIL = N_("Please enter an email address like name@example.com.")
BAD_PHONE = N_("Please enter a phone number like +44 20 7946 0000.")
BAD_CONTACT = N_("Please enter an email address like name@example.com or a phone number "
                 "like +44 20 7946 0000.")
EMPTY_MESSAGE = N_("Please type a message first.")
TOO_LONG = N_("Your message is too long. Please split it into shorter messages.")
UNSTORABLE = N_("Your message contains characters we cannot accept. Please retype it.")
ENDED = N_("This chat has ended. Please start a new one.")
UNAVAILABLE = N_("Chat is not available here right now. Please try again later.")
EXPIRED = N_("This chat has expired. Please start a new one.")
START_FIRST = N_("Please start a chat first.")
TOO_MANY_CHATS = N_("Too many new chats from here. Please wait a minute and try again.")
TOO_FAST = N_("You are sending messages too quickly. Please wait a few seconds.")
BAD_RATING = N_("Please choose a rating from 1 to 5.")
ALREADY_RATED = N_("You have already rated this chat. Thank you!")
COMMENT_TOO_LONG = N_("Please shorten your comment to 1000 characters or fewer.")
NO_EMAIL_FOR_TRANSCRIPT = N_("We can only email the transcript to the email address you "
                             "gave when the chat started.")
CANNOT_EMAIL = N_("We cannot email this address. You can copy the chat from this window.")
FILE_TOO_BIG = N_("That file is too big. Please send a file smaller than 5 MB.")
FILE_TYPE = N_("We can only accept pictures (PNG, JPEG, GIF, WebP) and PDF files.")
FILE_EMPTY = N_("That file is empty. Please choose another.")
SOMETHING_WRONG = N_("Sorry, something went wrong. Please try again.")

SHOWN = frozenset(v for k, v in dict(globals()).items() if k.isupper())
