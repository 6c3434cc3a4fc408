"""The demo question bank of 'Working safely in the warehouse': twelve questions in four languages, single and
multiple choice and true or false, each with an explanation; eight are drawn per attempt."""

from oscart.training import quiz_bank

# (kind, correct answer indexes, {language: (question, [answers], explanation)}); true/false has no answers.
QUESTIONS = [
    ("single", {0}, {
        "nl": ("Wat draagt u altijd in het magazijn?", ["Veiligheidsschoenen en fluohesje", "Sandalen", "Een das"],
               "Veiligheidsschoenen beschermen tegen vallende lading, het hesje maakt u zichtbaar."),
        "fr": ("Que portez-vous toujours dans l'entrepôt ?", ["Chaussures de sécurité et gilet fluo", "Sandales",
                                                             "Une cravate"],
               "Les chaussures protègent des charges qui tombent, le gilet vous rend visible."),
        "de": ("Was tragen Sie im Lager immer?", ["Sicherheitsschuhe und Warnweste", "Sandalen", "Eine Krawatte"],
               "Sicherheitsschuhe schützen vor fallenden Lasten, die Weste macht Sie sichtbar."),
        "en": ("What do you always wear in the warehouse?", ["Safety shoes and a high-visibility vest", "Sandals",
                                                            "A tie"],
               "Safety shoes protect against falling loads; the vest makes you visible.")}),
    ("single", {0}, {
        "nl": ("Welk nummer belt u bij een ongeval?", ["112", "1207", "0800"], "112 is het Europese noodnummer."),
        "fr": ("Quel numéro appelez-vous en cas d'accident ?", ["112", "1207", "0800"],
               "Le 112 est le numéro d'urgence européen."),
        "de": ("Welche Nummer rufen Sie bei einem Unfall an?", ["112", "1207", "0800"],
               "112 ist die europäische Notrufnummer."),
        "en": ("Which number do you call after an accident?", ["112", "1207", "0800"],
               "112 is the European emergency number.")}),
    ("multiple", {0, 2}, {
        "nl": ("Welke gevaren ziet u in een magazijn? (meerdere antwoorden)",
               ["Vallende lading", "Te veel daglicht", "Rijdende heftrucks"],
               "Vallende lading en rijdende heftrucks zijn de grootste gevaren."),
        "fr": ("Quels dangers voyez-vous dans un entrepôt ? (plusieurs réponses)",
               ["Charges qui tombent", "Trop de lumière du jour", "Chariots en mouvement"],
               "Les charges qui tombent et les chariots en mouvement sont les plus grands dangers."),
        "de": ("Welche Gefahren gibt es im Lager? (mehrere Antworten)",
               ["Herabfallende Lasten", "Zu viel Tageslicht", "Fahrende Stapler"],
               "Herabfallende Lasten und fahrende Stapler sind die größten Gefahren."),
        "en": ("Which hazards do you find in a warehouse? (several answers)",
               ["Falling loads", "Too much daylight", "Moving forklifts"],
               "Falling loads and moving forklifts are the greatest hazards.")}),
    ("true_false", {1}, {
        "nl": ("U mag onder een geheven last doorlopen als u snel bent.", [],
               "Loop nooit onder een geheven last, ook niet even."),
        "fr": ("Vous pouvez passer sous une charge levée si vous êtes rapide.", [],
               "Ne passez jamais sous une charge levée, même un instant."),
        "de": ("Unter einer angehobenen Last dürfen Sie durchgehen, wenn Sie schnell sind.", [],
               "Gehen Sie nie unter einer angehobenen Last hindurch, auch nicht kurz."),
        "en": ("You may walk under a raised load if you are quick.", [],
               "Never walk under a raised load, not even for a moment.")}),
    ("single", {1}, {
        "nl": ("Wat doet u met een natte vloer?", ["Doorlopen", "Melden en afbakenen", "Niets"],
               "Een natte vloer meldt u meteen en u bakent hem af, zodat niemand uitglijdt."),
        "fr": ("Que faites-vous d'un sol mouillé ?", ["Continuer", "Signaler et baliser", "Rien"],
               "Signalez et balisez un sol mouillé pour que personne ne glisse."),
        "de": ("Was tun Sie bei einem nassen Boden?", ["Weitergehen", "Melden und absperren", "Nichts"],
               "Melden und sperren Sie einen nassen Boden ab, damit niemand ausrutscht."),
        "en": ("What do you do about a wet floor?", ["Walk on", "Report it and cordon it off", "Nothing"],
               "Report a wet floor and cordon it off so that nobody slips.")}),
    ("true_false", {0}, {
        "nl": ("Nooduitgangen moeten altijd vrij blijven.", [], "Een geblokkeerde uitgang kost levens bij brand."),
        "fr": ("Les sorties de secours doivent toujours rester libres.", [],
               "Une sortie bloquée coûte des vies en cas d'incendie."),
        "de": ("Notausgänge müssen immer frei bleiben.", [], "Ein blockierter Ausgang kostet bei Feuer Leben."),
        "en": ("Emergency exits must always stay clear.", [], "A blocked exit costs lives in a fire.")}),
    ("multiple", {0, 1}, {
        "nl": ("Wat controleert u voor u een rek vult? (meerdere antwoorden)",
               ["Het maximale gewicht", "Beschadigde liggers", "De kleur van het rek"],
               "Een overbelast of beschadigd rek kan instorten; de kleur doet er niet toe."),
        "fr": ("Que vérifiez-vous avant de remplir un rayonnage ? (plusieurs réponses)",
               ["La charge maximale", "Les lisses endommagées", "La couleur du rayonnage"],
               "Un rayonnage surchargé ou endommagé peut s'effondrer ; la couleur n'a pas d'importance."),
        "de": ("Was prüfen Sie, bevor Sie ein Regal beladen? (mehrere Antworten)",
               ["Die maximale Last", "Beschädigte Traversen", "Die Farbe des Regals"],
               "Ein überlastetes oder beschädigtes Regal kann einstürzen; die Farbe spielt keine Rolle."),
        "en": ("What do you check before you fill a rack? (several answers)",
               ["The maximum load", "Damaged beams", "The colour of the rack"],
               "An overloaded or damaged rack can collapse; its colour does not matter.")}),
    ("single", {2}, {
        "nl": ("Waar verzamelt u bij een evacuatie?", ["Aan de kade", "In de kantine", "Op het verzamelpunt"],
               "Op het verzamelpunt telt men wie buiten is."),
        "fr": ("Où vous rassemblez-vous lors d'une évacuation ?", ["Au quai", "À la cantine",
                                                                   "Au point de rassemblement"],
               "Au point de rassemblement, on compte qui est sorti."),
        "de": ("Wo sammeln Sie sich bei einer Evakuierung?", ["An der Rampe", "In der Kantine", "Am Sammelplatz"],
               "Am Sammelplatz wird gezählt, wer draußen ist."),
        "en": ("Where do you gather during an evacuation?", ["At the dock", "In the canteen", "At the assembly point"],
               "At the assembly point everyone who is out is counted.")}),
    ("true_false", {1}, {
        "nl": ("Een heftruck mag u besturen zonder opleiding, als u een rijbewijs hebt.", [],
               "Voor een heftruck is een specifieke opleiding verplicht."),
        "fr": ("Vous pouvez conduire un chariot sans formation si vous avez le permis.", [],
               "La conduite d'un chariot exige une formation spécifique."),
        "de": ("Einen Stapler dürfen Sie ohne Schulung fahren, wenn Sie einen Führerschein haben.", [],
               "Für den Stapler ist eine eigene Schulung Pflicht."),
        "en": ("You may drive a forklift without training if you hold a driving licence.", [],
               "Driving a forklift requires specific training.")}),
    ("single", {0}, {
        "nl": ("Hoe tilt u een zware doos?", ["Met rechte rug, vanuit de benen", "Met gebogen rug", "Met één hand"],
               "Tillen vanuit de benen spaart uw rug."),
        "fr": ("Comment soulevez-vous un carton lourd ?", ["Dos droit, en poussant sur les jambes", "Dos courbé",
                                                          "D'une main"],
               "Soulever avec les jambes ménage le dos."),
        "de": ("Wie heben Sie einen schweren Karton?", ["Mit geradem Rücken aus den Beinen", "Mit rundem Rücken",
                                                        "Mit einer Hand"],
               "Heben aus den Beinen schont den Rücken."),
        "en": ("How do you lift a heavy box?", ["Back straight, lifting with the legs", "Back bent",
                                                "With one hand"],
               "Lifting with the legs spares your back.")}),
    ("multiple", {1, 2}, {
        "nl": ("Wanneer meldt u een incident? (meerdere antwoorden)",
               ["Alleen als er iemand gewond is", "Bij elk ongeval", "Bij een bijna-ongeval"],
               "Ook bijna-ongevallen melden voorkomt het volgende ongeval."),
        "fr": ("Quand signalez-vous un incident ? (plusieurs réponses)",
               ["Seulement s'il y a un blessé", "À chaque accident", "Lors d'un presque-accident"],
               "Signaler aussi les presque-accidents évite le prochain accident."),
        "de": ("Wann melden Sie einen Vorfall? (mehrere Antworten)",
               ["Nur bei Verletzten", "Bei jedem Unfall", "Bei einem Beinaheunfall"],
               "Auch Beinaheunfälle zu melden verhindert den nächsten Unfall."),
        "en": ("When do you report an incident? (several answers)",
               ["Only when someone is hurt", "After every accident", "After a near miss"],
               "Reporting near misses too prevents the next accident.")}),
    ("single", {1}, {
        "nl": ("Wie heeft voorrang in een gang met heftrucks?", ["De voetganger altijd", "De heftruck",
                                                                  "Wie het eerst komt"],
               "Een heftruck stopt moeilijk: laat hem voorgaan en maak oogcontact."),
        "fr": ("Qui a la priorité dans une allée avec des chariots ?", ["Toujours le piéton", "Le chariot",
                                                                        "Le premier arrivé"],
               "Un chariot s'arrête difficilement : laissez-le passer et établissez un contact visuel."),
        "de": ("Wer hat in einem Gang mit Staplern Vorrang?", ["Immer der Fußgänger", "Der Stapler",
                                                               "Wer zuerst kommt"],
               "Ein Stapler bremst schwer: Lassen Sie ihn vor und suchen Sie Blickkontakt."),
        "en": ("Who has right of way in an aisle with forklifts?", ["Always the pedestrian", "The forklift",
                                                                   "Whoever comes first"],
               "A forklift stops with difficulty: let it pass and make eye contact.")}),
]


def seed_bank(course, author):
    """Adds the twelve questions and the rules; the caller creates the course once (seed-demo is idempotent)."""
    for kind, correct, texts in QUESTIONS:
        quiz_bank.save_question(course, actor=author, kind=kind, correct=correct,
                                texts={code: {"text": text, "answers": answers, "explanation": explanation}
                                       for code, (text, answers, explanation) in texts.items()})
    quiz_bank.save_quiz_settings(course, actor=author, pass_percent=75, max_attempts=3, draw_count=8,
                                 wait_minutes=0, is_answers_shown=True)
