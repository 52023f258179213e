// OWL 2 DL profile check with the OWL API that owlready2 ships inside its HermiT.jar (the same
// parser family Protégé uses). Run as a single-file program, no build step:
//   java -cp <owlready2>/hermit/HermiT.jar graph/java/OwlProfileCheck.java FILE
// Prints one violation per line: kind TAB IRIs of the axiom (space-separated) TAB message.
// Exit 0 when the file loads (violations or not), 2 when it cannot be parsed at all.
import java.io.File;
import java.util.TreeSet;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;

public class OwlProfileCheck {
  public static void main(String[] args) throws Exception {
    OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
    OWLOntology ontology;
    try {
      ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
    } catch (OWLOntologyCreationException e) {
      System.out.println("Unparseable\t\t" + clean(e.getMessage()));
      System.exit(2);
      return;
    }
    OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
    TreeSet<String> lines = new TreeSet<String>();
    for (OWLProfileViolation v : report.getViolations()) {
      StringBuilder iris = new StringBuilder();
      OWLAxiom axiom = v.getAxiom();
      if (axiom != null) {
        for (OWLEntity e : axiom.getSignature()) {
          if (iris.length() > 0) iris.append(' ');
          iris.append(e.getIRI().toString());
        }
      }
      lines.add(v.getClass().getSimpleName() + "\t" + iris + "\t" + clean(v.toString()));
    }
    for (String line : lines) System.out.println(line);
    System.err.println("axioms " + ontology.getAxiomCount() + ", violations " + lines.size());
  }

  static String clean(String s) {
    return s == null ? "" : s.replace('\n', ' ').replace('\t', ' ').replace('\r', ' ');
  }
}
