package dev.strata.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shape that makes the one allowed package cycle of {@link PackageCyclesTest} harmless: a
 * public package may create its {@code internal} classes (a factory returning its implementation),
 * but no public or protected signature of a public class outside {@code internal} names an {@code
 * internal} class: not a super type, a field, a return type, a parameter or a thrown type. Users
 * then never see, and never need, an {@code internal} type.
 */
class InternalTypesTest {

  @Test
  void noPublicSignatureNamesAnInternalType() {
    internalTypesStayOutOfPublicSignatures().check(MainClasses.IMPORTED);
  }

  @Test
  void passesOnAFactoryTypedAsItsInterface() {
    internalTypesStayOutOfPublicSignatures().check(MainClasses.fixture("cycle.factory"));
  }

  @Test
  void failsOnAFactoryWhoseSignatureNamesItsImplementation() {
    assertThatThrownBy(
            () -> internalTypesStayOutOfPublicSignatures().check(MainClasses.fixture("leak")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Gadgets.named(java.lang.String) returns")
        .hasMessageContaining("fixture.leak.internal.DefaultGadget")
        .hasMessageNotContaining("Gadgets.plain");
  }

  static ArchRule internalTypesStayOutOfPublicSignatures() {
    return classes()
        .that()
        .arePublic()
        .and()
        .resideOutsideOfPackage("..internal..")
        .should(nameNoInternalTypeInTheirPublicSignatures())
        .because("implementation lives in internal packages that users must not need");
  }

  private static ArchCondition<JavaClass> nameNoInternalTypeInTheirPublicSignatures() {
    return new ArchCondition<>("name no internal type in their public signatures") {
      @Override
      public void check(JavaClass javaClass, ConditionEvents events) {
        List<String> leaks = new ArrayList<>();
        javaClass
            .getRawSuperclass()
            .filter(InternalTypesTest::isInternal)
            .ifPresent(type -> leaks.add("extends " + type.getName()));
        for (JavaClass type : javaClass.getRawInterfaces()) {
          if (isInternal(type)) {
            leaks.add("implements " + type.getName());
          }
        }
        for (JavaField field : javaClass.getFields()) {
          if (isVisible(field.getModifiers()) && isInternal(field.getRawType())) {
            leaks.add(field.getFullName() + " has type " + field.getRawType().getName());
          }
        }
        for (JavaCodeUnit unit : javaClass.getCodeUnits()) {
          if (!isVisible(unit.getModifiers())) {
            continue;
          }
          if (isInternal(unit.getRawReturnType())) {
            leaks.add(unit.getFullName() + " returns " + unit.getRawReturnType().getName());
          }
          for (JavaClass parameter : unit.getRawParameterTypes()) {
            if (isInternal(parameter)) {
              leaks.add(unit.getFullName() + " takes " + parameter.getName());
            }
          }
          for (JavaClass thrown : unit.getExceptionTypes()) {
            if (isInternal(thrown)) {
              leaks.add(unit.getFullName() + " throws " + thrown.getName());
            }
          }
        }
        for (String leak : leaks) {
          events.add(SimpleConditionEvent.violated(javaClass, leak));
        }
      }
    };
  }

  private static boolean isVisible(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  private static boolean isInternal(JavaType type) {
    String packageName = type.toErasure().getPackageName();
    return ("." + packageName + ".").contains(".internal.");
  }
}
