"""English sentences that are not commands: chat, near-misses with command words, narration.

Written for this benchmark. The near-miss sentences contain command words
("next", "back", "stop", "help", "wait") inside ordinary speech; a good
recognizer must stay silent for all of them.
"""

from __future__ import annotations

CHAT: tuple[str, ...] = (
    "I think the weather is going to turn cold by the weekend.",
    "Did you remember to buy milk on the way home?",
    "The train was twenty minutes late again this morning.",
    "My sister is moving to a new flat in the spring.",
    "That film was much longer than I expected.",
    "We could have pasta tonight if nobody minds.",
    "The garden needs watering before it gets dark.",
    "I left my glasses somewhere in the kitchen.",
    "Her new job starts on the first of the month.",
    "The cat keeps sleeping on the warm laptop.",
    "There is a concert in the park on Saturday afternoon.",
    "I have been reading a book about old sailing ships.",
    "The neighbours are painting their fence blue.",
    "Could you pass me the towel from the chair?",
    "This oil smells a little bit like lavender.",
    "Let me know when the kettle has boiled.",
)

NEAR_MISS: tuple[str, ...] = (
    "We should go back there next week.",
    "Can you help me with the dishes later?",
    "Stop by the store on your way home.",
    "I will wait for the bus at the corner.",
    "The next train leaves at half past six.",
    "Go ahead and take the last piece of cake.",
    "Say that again and I will not believe you.",
    "I want to start over with the painting tomorrow.",
    "How much time do we have before dinner?",
    "Turn the music a bit louder in the living room.",
    "My back has been sore since the long drive.",
    "Keep going straight until you reach the bridge.",
    "Yes, I think that would be a lovely idea.",
    "No, the shop closes early on Sundays.",
    "The previous owner left a piano in the hall.",
    "Please continue reading the story to the children.",
    "Where am I supposed to put these boxes?",
    "Hold on to the rail when you walk down the stairs.",
    "Let us pause the film and make some tea.",
    "Can you speak up a little, the line is bad.",
    "Step one of the recipe says to soften the butter.",
    "He asked for help with the heavy suitcase.",
    "The clock in the hall runs a bit faster than mine.",
    "Finish your soup before it goes cold.",
)

NARRATION: tuple[str, ...] = (
    "Warm a little oil between your palms before you begin.",
    "Place both hands flat on the lower back, one on each side of the spine.",
    "Glide your hands slowly up towards the shoulders with light pressure.",
    "Keep your thumbs away from the spine itself.",
    "Now make small circles with your fingertips along the shoulder blade.",
    "Ask your partner whether the pressure feels comfortable.",
    "Let your hands rest for a moment and breathe out slowly.",
    "Knead the top of the shoulder gently, as if working dough.",
    "Move to the other side and repeat the same strokes.",
    "Finish with long, light strokes from the neck down to the waist.",
    "That is the end of this step. Take your time.",
    "Ten seconds remain in this part of the routine.",
)

BABBLE: tuple[str, ...] = (
    "The committee will meet again on Thursday to discuss the budget for the library.",
    "After the rain stopped, the children ran outside to look for snails in the grass.",
    "My grandfather used to repair clocks in a small shop near the harbour.",
    "The restaurant on the corner serves a very good fish soup on Fridays.",
    "She painted the kitchen yellow because it made the mornings feel brighter.",
    "They drove for hours along the coast before finding a place to stay.",
    "The museum has a new exhibition about the history of printing.",
    "Most of the apples fell from the tree during the storm last night.",
    "He practises the violin every evening after he finishes his homework.",
    "The bakery opens early, so the bread is still warm when we arrive.",
)
